# Fuzz targets of remote/ (included from tests/fuzz/CMakeLists.txt)
# The probe's answer through the os gatherer into a snapshot (probe-dump fuzzes the format).
mc_add_fuzz_target(probe-gather SOURCES fuzz-probe-gather.c LIBS mc_os mc_model)
