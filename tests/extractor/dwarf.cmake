# SPDX-License-Identifier: GPL-2.0-or-later
# Tests of the vmlinux types target and of type profiles; included from
# tests/extractor/CMakeLists.txt (needs pmt_types from extractor/types.cmake).
# The vmlinux tests take the bookworm kernel's vmlinux that the corpus61
# fixture fetched (with-vmlinux.sh resolves its release at test time); the
# synthetic-ELF tests always run (they compile a sample with the C compiler).
set(PMT_WITH_VMLINUX ${CMAKE_CURRENT_LIST_DIR}/with-vmlinux.sh bookworm)

add_executable(test_dwarf_types ${CMAKE_CURRENT_LIST_DIR}/test_dwarf_types.c)
target_link_libraries(test_dwarf_types pmt_types PkgConfig::CMOCKA)
target_compile_definitions(test_dwarf_types PRIVATE PMT_TEST_CC="${CMAKE_C_COMPILER}")
add_test(NAME dwarf_types_synthetic COMMAND test_dwarf_types synthetic)
add_test(NAME dwarf_types_vmlinux COMMAND ${PMT_WITH_VMLINUX} $<TARGET_FILE:test_dwarf_types> vmlinux)
set_tests_properties(dwarf_types_synthetic PROPERTIES TIMEOUT 60)
set_tests_properties(dwarf_types_vmlinux PROPERTIES TIMEOUT 120 FIXTURES_REQUIRED corpus61
	ENVIRONMENT "PMTRACE_CACHE=${PMTRACE_CACHE_DEFAULT}")

add_executable(test_profile ${CMAKE_CURRENT_LIST_DIR}/test_profile.c)
target_link_libraries(test_profile pmt_types PkgConfig::CMOCKA)
target_compile_definitions(test_profile PRIVATE PMT_TEST_CC="${CMAKE_C_COMPILER}")
add_test(NAME profile COMMAND test_profile)
add_test(NAME profile_vmlinux COMMAND ${PMT_WITH_VMLINUX} $<TARGET_FILE:test_profile> vmlinux)
set_tests_properties(profile PROPERTIES TIMEOUT 60)
set_tests_properties(profile_vmlinux PROPERTIES TIMEOUT 120 FIXTURES_REQUIRED corpus61
	ENVIRONMENT "PMTRACE_CACHE=${PMTRACE_CACHE_DEFAULT}")
