# Unit tests of the report renderers and the site policy (included from tests/unit/CMakeLists.txt)
mc_add_unit_test(render SOURCES test-render.c LIBS mc_checker mc_model PkgConfig::JSONC
                 PkgConfig::XML2)
mc_add_unit_test(policy SOURCES test-policy.c LIBS mc_checker mc_rules mc_model PkgConfig::XML2)
