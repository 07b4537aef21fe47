# Unit tests of os/ (owned by the os work; included from tests/unit/CMakeLists.txt)
mc_add_unit_test(os SOURCES test-os.c LIBS mc_os mc_model PkgConfig::JSONC)

# Golden tests: `migcheck facts --root <fixture> --no-virt` against <fixture>.expected.xml for
# the recorded rpm-based hosts (MIGCHECK_TEST_REGENERATE=1 rewrites the expected files).
foreach(host rhel9 centos-stream9 fedora40)
  add_test(NAME golden.hosts.${host}
           COMMAND bash ${MC_TEST_DATA}/hosts/run-golden.sh $<TARGET_FILE:migcheck> ${host})
  set_tests_properties(golden.hosts.${host} PROPERTIES LABELS "golden" TIMEOUT 60)
endforeach()
