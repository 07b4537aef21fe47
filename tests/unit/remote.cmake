# Unit tests of remote/ (owned by the remote work; included from tests/unit/CMakeLists.txt)
# The sh probe run here under dash, busybox sh and bash; its facts must equal direct reading.
mc_add_unit_test(probe SOURCES test-probe.c LIBS mc_remote mc_gather mc_os mc_model)

# Records this machine through the probe (tests/data/hosts/debian12/record.sh); not a test.
add_executable(probe-record probe-record.c)
target_link_libraries(probe-record PRIVATE mc_remote mc_util)
