# Fuzz targets of storage/ (included from tests/fuzz/CMakeLists.txt)
mc_add_fuzz_target(mountinfo SOURCES fuzz-mountinfo.c LIBS mc_storage mc_model)
mc_add_fuzz_target(sysfs-storage SOURCES fuzz-sysfs-storage.c LIBS mc_storage mc_model)
