# SPDX-License-Identifier: GPL-2.0-or-later
# Tests of the dump side of the extractor (extractor/dump_target.c,
# extractor/flattened.c). Included from tests/extractor/CMakeLists.txt.
# The corpus tests skip (exit 77) when the corpus or its vmlinux is absent.
foreach(t test_dump_flattened test_dump_synthetic test_dump_corpus)
	add_executable(${t} ${CMAKE_CURRENT_LIST_DIR}/${t}.c)
	target_link_libraries(${t} PRIVATE pmt_dump PkgConfig::CMOCKA)
	if(t STREQUAL "test_dump_corpus")
		add_test(NAME extractor.${t} COMMAND ${t} ${CMAKE_CURRENT_BINARY_DIR}/corpus-cells.txt)
	else()
		add_test(NAME extractor.${t} COMMAND ${t})
	endif()
	set_tests_properties(extractor.${t} PROPERTIES TIMEOUT 120 SKIP_RETURN_CODE 77
		ENVIRONMENT "PMTRACE_CACHE_DEFAULT=${PMTRACE_CACHE_DEFAULT};LSAN_OPTIONS=suppressions=${CMAKE_CURRENT_LIST_DIR}/lsan-libkdumpfile.supp")
endforeach()
# it reads every cell the corpus holds: after both corpus fixtures
set(_pmt_corpus_fixtures corpus61)
if(PMTRACE_CORPUS_MATRIX)
	list(APPEND _pmt_corpus_fixtures corpus_matrix)
endif()
# only the cells of this tree's own scenarios (others' may share the cache)
add_test(NAME extractor.test_dump_corpus_list COMMAND sh -c
	"${PROJECT_SOURCE_DIR}/vmcores/corpus.sh --list > ${CMAKE_CURRENT_BINARY_DIR}/corpus-cells.txt")
set_tests_properties(extractor.test_dump_corpus_list PROPERTIES FIXTURES_SETUP corpus_cells
	FIXTURES_REQUIRED "${_pmt_corpus_fixtures}" ENVIRONMENT "PMTRACE_CACHE=${PMTRACE_CACHE_DEFAULT}")
set_tests_properties(extractor.test_dump_corpus PROPERTIES TIMEOUT 600
	FIXTURES_REQUIRED "${_pmt_corpus_fixtures};corpus_cells" LABELS corpus)
