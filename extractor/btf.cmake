# SPDX-License-Identifier: GPL-2.0-or-later
# pmt_btf: types and symbols from the dump alone (BTF through libbpf, the
# dump's kallsyms). Included from extractor/CMakeLists.txt after dump.cmake.
pkg_check_modules(LIBBPF REQUIRED IMPORTED_TARGET libbpf)
add_library(pmt_btf STATIC
	${CMAKE_CURRENT_LIST_DIR}/btf_types.c
	${CMAKE_CURRENT_LIST_DIR}/btf_dump.c
	${CMAKE_CURRENT_LIST_DIR}/kallsyms_symbols.c)
target_include_directories(pmt_btf PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(pmt_btf PUBLIC pmt_dump pmt_core PkgConfig::LIBBPF)
