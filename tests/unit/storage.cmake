# Unit tests of storage/ (owned by the storage work; included from tests/unit/CMakeLists.txt)
mc_add_unit_test(mounts SOURCES test-mounts.c LIBS mc_storage mc_model PkgConfig::JSONC)
mc_add_unit_test(storage SOURCES test-storage.c LIBS mc_storage mc_model PkgConfig::JSONC)
