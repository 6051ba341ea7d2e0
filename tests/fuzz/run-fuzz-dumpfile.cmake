# SPDX-License-Identifier: GPL-2.0-or-later
# Build tests/fuzz/fuzz_dumpfile with clang (-fsanitize=fuzzer,address,
# undefined) and fuzz it for SECONDS:
#   cmake -DSRC=<repo> -DBIN=<dir> -DMKDUMPS=<mkdumps binary> -DSECONDS=N
#         [-DKDUMPFILE=asan|system] [-DMAX_LEN=65536] [-DEXTRA=<corpus dir>]
#         -P run-fuzz-dumpfile.cmake
# KDUMPFILE=asan (default) links the libkdumpfile that
# build-libkdumpfile-asan.sh builds from Debian's source package, instrumented
# (ASan, UBSan, coverage) and cached; if it cannot be built (no source
# package reachable) the run says so loudly and falls back to Debian's binary.
# KDUMPFILE=system links Debian's own libkdumpfile10 (0.5.1, uninstrumented:
# segfaults, aborts, hangs and bad frees still show, and it is the version
# pmtrace ships with). Seeds: mkdumps (every format) and tests/hostile/*.
# The corpus grows in BIN/fuzz_dumpfile-<KDUMPFILE>-corpus across runs; EXTRA
# adds another corpus as input (e.g. the asan run's for a system run). Any
# crash, sanitizer report, leak, hang (-timeout) or excessive allocation
# (-malloc_limit_mb) fails the run; the input is left in BIN.
find_program(CLANG NAMES clang clang-14 REQUIRED)
if(NOT DEFINED KDUMPFILE)
	set(KDUMPFILE asan)
endif()
if(NOT DEFINED MAX_LEN)
	set(MAX_LEN 65536)
endif()
set(name fuzz_dumpfile-${KDUMPFILE})
set(seeds ${BIN}/fuzz_dumpfile-seeds)
set(corpus ${BIN}/${name}-corpus)
file(MAKE_DIRECTORY ${seeds} ${corpus})

set(klib)
if(KDUMPFILE STREQUAL "asan")
	execute_process(COMMAND ${SRC}/tests/fuzz/build-libkdumpfile-asan.sh
		OUTPUT_VARIABLE kdir OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc)
	if(rc OR NOT EXISTS "${kdir}/lib/libkdumpfile.a")
		message(WARNING "NOTE: no instrumented libkdumpfile (build-libkdumpfile-asan.sh "
			"exit ${rc}): fuzzing against Debian's uninstrumented libkdumpfile instead")
	else()
		file(READ ${kdir}/build.info info)
		message(STATUS "libkdumpfile: ${info}")
		set(klib -I${kdir}/include ${kdir}/lib/libkdumpfile.a ${kdir}/lib/libaddrxlat.a
			-lz -llzo2 -lsnappy -lzstd -lpthread)
	endif()
endif()
if(NOT klib)
	set(klib -lkdumpfile -laddrxlat)
endif()
set(srcs dump.c dump_target.c dump_truncated.c dump_validate.c flattened.c)
list(TRANSFORM srcs PREPEND ${SRC}/extractor/)
execute_process(COMMAND ${CLANG} -std=gnu11 -O1 -g -D_GNU_SOURCE -Wall -Wextra -Werror
		-Wno-unused-parameter -fsanitize=fuzzer,address,undefined
		-fno-sanitize-recover=all -I${SRC}/include -I${SRC}/lib -I${SRC}/extractor
		${SRC}/tests/fuzz/fuzz_dumpfile.c ${srcs} ${SRC}/lib/error.c ${SRC}/lib/target.c
		${klib} -o ${BIN}/${name}
	RESULT_VARIABLE rc)
if(rc)
	message(FATAL_ERROR "building ${name} failed: ${rc}")
endif()
execute_process(COMMAND ${MKDUMPS} ${seeds} RESULT_VARIABLE rc)
if(rc)
	message(FATAL_ERROR "mkdumps failed: ${rc}")
endif()
file(GLOB hostile ${SRC}/tests/hostile/*.vmcore)
file(COPY ${hostile} DESTINATION ${seeds})

set(ENV{UBSAN_OPTIONS}
	"halt_on_error=1:print_stacktrace=1:suppressions=${SRC}/tests/fuzz/ubsan-libkdumpfile.supp")
set(ENV{LSAN_OPTIONS} "suppressions=${SRC}/tests/fuzz/lsan-dumpfile.supp")
set(ENV{TMPDIR} ${BIN})
execute_process(COMMAND ${BIN}/${name} -max_total_time=${SECONDS} -max_len=${MAX_LEN}
		-timeout=20 -rss_limit_mb=2048 -malloc_limit_mb=512 -print_final_stats=1
		-artifact_prefix=${BIN}/${name}- ${corpus} ${seeds} ${EXTRA}
	WORKING_DIRECTORY ${BIN}
	RESULT_VARIABLE rc)
if(rc)
	message(FATAL_ERROR "${name} found a problem (exit ${rc}); the input is ${BIN}/${name}-*")
endif()
