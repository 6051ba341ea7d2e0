# SPDX-License-Identifier: GPL-2.0-or-later
# Kernel types and symbols from a vmlinux (libelf + libdwarf), and type
# profiles. Included from extractor/CMakeLists.txt.
#
#   pmt_profile  lib/profile.c: profile files, the recording target and the
#                profile-backed target (no libdwarf: crash-ext may use it)
#   pmt_types    extractor/{vmlinux,dwarf_index,dwarf_types}.c: the vmlinux types target
set(_pmt_types_root ${CMAKE_CURRENT_LIST_DIR}/..)

if(TARGET pmt_core)
	set(_pmt_types_core pmt_core)
	set(_pmt_types_core_src)
else()
	# lib/ has no pmt_core yet: build the error values ourselves.
	set(_pmt_types_core)
	set(_pmt_types_core_src ${_pmt_types_root}/lib/error.c)
endif()

if(NOT TARGET pmt_profile)
	add_library(pmt_profile STATIC ${_pmt_types_root}/lib/profile.c ${_pmt_types_core_src})
	target_include_directories(pmt_profile PUBLIC ${_pmt_types_root}/include ${_pmt_types_root}/lib)
	target_link_libraries(pmt_profile PUBLIC ${_pmt_types_core})
	# linked into the crash extension too (a shared object)
	set_target_properties(pmt_profile PROPERTIES POSITION_INDEPENDENT_CODE ON)
	# the id that stamps cached profiles (lib/questions_id.cmake)
	if(TARGET pmt_questions)
		add_dependencies(pmt_profile pmt_questions)
		target_include_directories(pmt_profile PRIVATE ${PMT_QUESTIONS_DIR})
	endif()
endif()

add_library(pmt_types STATIC
	${_pmt_types_root}/extractor/vmlinux.c
	${_pmt_types_root}/extractor/dwarf_index.c
	${_pmt_types_root}/extractor/dwarf_types.c)
target_include_directories(pmt_types PUBLIC ${_pmt_types_root}/include ${_pmt_types_root}/extractor)
target_link_libraries(pmt_types PUBLIC pmt_profile pmt_libdwarf PkgConfig::LIBELF)
