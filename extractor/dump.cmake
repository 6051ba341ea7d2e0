# SPDX-License-Identifier: GPL-2.0-or-later
# pmt_dump: the dump side of the extractor (libkdumpfile + flattened rebuild).
# Included from extractor/CMakeLists.txt.
set(PMT_DUMP_SOURCES
	${CMAKE_CURRENT_LIST_DIR}/dump.c
	${CMAKE_CURRENT_LIST_DIR}/dump_target.c
	${CMAKE_CURRENT_LIST_DIR}/dump_truncated.c
	${CMAKE_CURRENT_LIST_DIR}/dump_validate.c
	${CMAKE_CURRENT_LIST_DIR}/flattened.c)
if(NOT TARGET pmt_core)
	# lib/ not built as a library (yet): take the two files we need.
	list(APPEND PMT_DUMP_SOURCES
		${PROJECT_SOURCE_DIR}/lib/error.c
		${PROJECT_SOURCE_DIR}/lib/target.c)
endif()
# libkdumpfile.pc does not list libaddrxlat, whose translation we call directly.
pkg_check_modules(ADDRXLAT REQUIRED IMPORTED_TARGET libaddrxlat)
add_library(pmt_dump STATIC ${PMT_DUMP_SOURCES})
target_include_directories(pmt_dump PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(pmt_dump PUBLIC PkgConfig::KDUMPFILE PkgConfig::ADDRXLAT)
if(TARGET pmt_core)
	target_link_libraries(pmt_dump PUBLIC pmt_core)
endif()
