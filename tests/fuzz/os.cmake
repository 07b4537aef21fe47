# Fuzz targets of os/ (included from tests/fuzz/CMakeLists.txt)
mc_add_fuzz_target(os-release SOURCES fuzz-os-release.c LIBS mc_os mc_model)
mc_add_fuzz_target(packages SOURCES fuzz-packages.c LIBS mc_os mc_model)
mc_add_fuzz_target(passwd SOURCES fuzz-passwd.c LIBS mc_os mc_model)
