# Unit tests of storage/ (owned by the storage work; included from tests/unit/CMakeLists.txt)
mc_add_unit_test(mounts SOURCES test-mounts.c LIBS mc_storage mc_model PkgConfig::JSONC)
mc_add_unit_test(storage SOURCES test-storage.c LIBS mc_storage mc_model PkgConfig::JSONC)
mc_add_unit_test(storage-probe SOURCES test-storage-probe.c LIBS mc_storage ROOT)
set_tests_properties(unit.storage-probe PROPERTIES SKIP_RETURN_CODE 77)
# Against the lab's NFS server (tests/lab); skips when the lab is down. It needs the lab fixture
# (without it ctest ran it after lab.down, so it always skipped).
mc_add_unit_test(nfs-probe SOURCES test-nfs-probe.c LIBS mc_storage LABELS lab)
set_tests_properties(unit.nfs-probe PROPERTIES SKIP_RETURN_CODE 77 FIXTURES_REQUIRED lab
                     RESOURCE_LOCK lab)
add_dependencies(test-nfs-probe migcheck) # the agent-mode test runs the built binary
# The provisioning planner and the storage host's parsers (ganesha, exports, tgtadm, qemu-img).
mc_add_unit_test(provision SOURCES test-provision.c LIBS mc_storage mc_model PkgConfig::JSONC)
