# Unit tests of virt/ (owned by the virt work; included from tests/unit/CMakeLists.txt)

# The pure parsers on fixtures in tests/data/virt.
mc_add_unit_test(virt-parse SOURCES test-virt-parse.c LIBS mc_virt mc_model)

# Gathering through the real libvirt API with its test driver, compared with virsh.
mc_add_unit_test(virt-gather SOURCES test-virt-gather.c LIBS mc_virt mc_model)
