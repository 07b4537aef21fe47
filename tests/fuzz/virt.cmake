# Fuzz targets of virt/ (included from tests/fuzz/CMakeLists.txt): one per parser of what
# libvirt daemons and hosts send. Corpora in corpus/NAME: real samples and malformed ones.
mc_add_fuzz_target(domain-xml SOURCES fuzz-domain-xml.c LIBS mc_virt mc_model)
mc_add_fuzz_target(capabilities-xml SOURCES fuzz-capabilities-xml.c LIBS mc_virt mc_model)
mc_add_fuzz_target(qemu-conf SOURCES fuzz-qemu-conf.c LIBS mc_virt mc_model)
mc_add_fuzz_target(pool-xml SOURCES fuzz-pool-xml.c LIBS mc_virt mc_model)
mc_add_fuzz_target(network-xml SOURCES fuzz-network-xml.c LIBS mc_virt mc_model)
mc_add_fuzz_target(dest-xml SOURCES fuzz-dest-xml.c LIBS mc_virt mc_model)
mc_add_fuzz_target(domcaps-xml SOURCES fuzz-domcaps-xml.c LIBS mc_virt mc_model)
