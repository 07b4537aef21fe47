# Unit tests of virt/ (owned by the virt work; included from tests/unit/CMakeLists.txt)

# The pure parsers on fixtures in tests/data/virt.
mc_add_unit_test(virt-parse SOURCES test-virt-parse.c LIBS mc_virt mc_model)

# Gathering through the real libvirt API with its test driver, compared with virsh.
mc_add_unit_test(virt-gather SOURCES test-virt-gather.c LIBS mc_virt mc_model)
# It runs virsh many times (about 10 s on an idle machine, 90 s on a loaded one).
set_tests_properties(unit.virt-gather PROPERTIES TIMEOUT 600)

# The XML fixtures are what libvirt 9.0 accepts: valid against its RNG schemas.
add_test(NAME unit.virt-fixtures-valid
         COMMAND ${PROJECT_SOURCE_DIR}/tests/virt/validate-fixtures.sh ${MC_TEST_DATA}/virt)
set_tests_properties(unit.virt-fixtures-valid PROPERTIES LABELS unit TIMEOUT 120)

# Against real libvirtd + QEMU in the lab (tests/lab; label "lab", fixture "lab").
# test-virt-lab runs inside a lab hypervisor, so it is not a plain unit test.
add_executable(test-virt-lab test-virt-lab.c)
target_link_libraries(test-virt-lab PRIVATE mc_virt mc_model mc_util PkgConfig::CMOCKA)
target_compile_definitions(test-virt-lab PRIVATE MC_TEST_DATA="${MC_TEST_DATA}")
set(MC_LABCTL ${PROJECT_SOURCE_DIR}/tests/lab/labctl)
add_test(NAME lab.virt-real
         COMMAND ${PROJECT_SOURCE_DIR}/tests/virt/lab-virt.sh ${MC_LABCTL}
                 $<TARGET_FILE:test-virt-lab> lab-b)
add_test(NAME lab.virt-facts-vs-virsh
         COMMAND ${PROJECT_SOURCE_DIR}/tests/virt/lab-facts-vs-virsh.sh ${MC_LABCTL}
                 $<TARGET_FILE:migcheck> lab-a)
set_tests_properties(lab.virt-real lab.virt-facts-vs-virsh PROPERTIES
                     LABELS lab FIXTURES_REQUIRED lab RESOURCE_LOCK lab TIMEOUT 600)

# The destination XML of a migration: edits, the guest-ABI guard, domain capabilities; the edited
# document left by the test validates against libvirt's RNG schema.
mc_add_unit_test(domxml SOURCES test-domxml.c LIBS mc_virt mc_model)
add_test(NAME unit.domxml-rng
         COMMAND xmllint --noout --relaxng /usr/share/libvirt/schemas/domain.rng
                 ${CMAKE_CURRENT_BINARY_DIR}/domxml-edited.xml)
set_tests_properties(unit.domxml-rng PROPERTIES LABELS unit DEPENDS unit.domxml TIMEOUT 60)
