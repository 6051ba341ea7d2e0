# SPDX-License-Identifier: GPL-2.0-or-later
# Tests of types from BTF (extractor/btf_*.c, kallsyms_symbols.c); included
# from tests/extractor/CMakeLists.txt.
#
#   btf_types           BTF blobs written with libbpf's writer: every answer
#                       (bit fields, anonymous unions, enums, arrays, ...)
#                       and damaged blobs (always runs)
#   extractor.btf_<k>   every corpus dump of kernel k: --types btf prints the
#                       bytes --vmlinux prints (text and JSON); 5.10: refused
#                       with the files that would help
add_executable(test_btf_types ${CMAKE_CURRENT_LIST_DIR}/test_btf_types.c)
target_link_libraries(test_btf_types PRIVATE pmt_btf PkgConfig::CMOCKA)
add_test(NAME btf_types COMMAND test_btf_types)
set_tests_properties(btf_types PROPERTIES TIMEOUT 120)

add_executable(test_btf_corpus ${CMAKE_CURRENT_LIST_DIR}/test_btf_corpus.c
	${PROJECT_SOURCE_DIR}/extractor/session.c)
target_include_directories(test_btf_corpus PRIVATE ${PROJECT_SOURCE_DIR}/extractor)
target_link_libraries(test_btf_corpus PRIVATE pmt_core pmt_dump pmt_types pmt_btf)

function(pmt_btf_test kernel suite fixture)
	set(name extractor.btf_${kernel})
	add_test(NAME ${name} COMMAND ${CMAKE_CURRENT_LIST_DIR}/btf-test.sh
		$<TARGET_FILE:pmtrace> $<TARGET_FILE:test_btf_corpus> ${PROJECT_SOURCE_DIR} ${suite})
	set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED ${fixture} TIMEOUT 900
		LABELS corpus
		ENVIRONMENT "${PMT_ENV};LSAN_OPTIONS=suppressions=${CMAKE_CURRENT_LIST_DIR}/lsan-libkdumpfile.supp")
endfunction()
pmt_btf_test(6.1 bookworm corpus61)
if(PMTRACE_CORPUS_MATRIX)
	pmt_btf_test(5.10 bullseye corpus_matrix)
	pmt_btf_test(6.12 trixie corpus_matrix)
	pmt_btf_test(sid sid corpus_matrix)
endif()
