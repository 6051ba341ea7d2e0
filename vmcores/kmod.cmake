# SPDX-License-Identifier: GPL-2.0-or-later
#
# pmt_kmod_build(NAME SRCDIR): build the out-of-tree module source SRCDIR
# (kbuild) for every corpus kernel, as a ctest fixture.
#
#   test     kmod_build.NAME    runs vmcores/kmod-build-all.sh (label kmod)
#   fixture  kmod_build_NAME    FIXTURES_REQUIRED of the tests that load it
#   result   ${PMT_KMOD_NAME_DIR} (also set in the caller's scope) =
#            ${CMAKE_BINARY_DIR}/kmod/NAME:
#              <release>/*.ko   per corpus kernel
#              releases         "<suite> <release> <ko>..." per kernel
#
# The kernels are the corpus's (vmcores/fetch-kernel.sh per suite: bookworm,
# plus bullseye, trixie and sid unless PMTRACE_CORPUS_MATRIX is OFF); each
# is built with its own compiler in its suite's chroot (vmcores/kmod-build.sh)
# and cached by (release, source hash): a warm fixture only hashes and copies.
# `make -C SRCDIR KDIR=<build dir>` keeps working without any of this.
#
# vmcores/kmod-guest.sh RELEASE LOG KO... boots a corpus kernel with the
# modules loaded (tests/kmod/ shows how a test uses both).
option(PMTRACE_CORPUS_MATRIX "also test bullseye, trixie and sid kernels" ON)
set(PMT_KMOD_VMCORES ${CMAKE_CURRENT_LIST_DIR})
if(PMTRACE_CORPUS_MATRIX)
	set(PMT_KMOD_SUITES bullseye bookworm trixie sid)
else()
	set(PMT_KMOD_SUITES bookworm)
endif()

function(pmt_kmod_build name srcdir)
	set(out ${CMAKE_BINARY_DIR}/kmod/${name})
	string(REPLACE ";" "," suites "${PMT_KMOD_SUITES}")
	add_test(NAME kmod_build.${name}
		COMMAND ${PMT_KMOD_VMCORES}/kmod-build-all.sh ${srcdir} ${out} ${suites})
	set_tests_properties(kmod_build.${name} PROPERTIES
		FIXTURES_SETUP kmod_build_${name}
		LABELS kmod
		# cold: 4 chroots + headers + builds, ~10 min; warm: ~1 s
		TIMEOUT 3600
		ENVIRONMENT "PMTRACE_CACHE=${PMTRACE_CACHE_DEFAULT}"
		# one kbuild at a time (each runs make -j2)
		RESOURCE_LOCK kmod_build)
	set(PMT_KMOD_${name}_DIR ${out} PARENT_SCOPE)
endfunction()
