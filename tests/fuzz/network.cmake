# Fuzz targets of network/ (included from tests/fuzz/CMakeLists.txt)
mc_add_fuzz_target(proc-net-tcp SOURCES fuzz-proc-net-tcp.c LIBS mc_network mc_model)
mc_add_fuzz_target(proc-net SOURCES fuzz-proc-net.c LIBS mc_network mc_model)
mc_add_fuzz_target(sysfs-net SOURCES fuzz-sysfs-net.c LIBS mc_network mc_model)
