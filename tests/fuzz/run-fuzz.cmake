# SPDX-License-Identifier: GPL-2.0-or-later
# Build one of the reader's libFuzzer targets with clang
# (-fsanitize=fuzzer,address,undefined) and fuzz it for SECONDS.
#   -DFUZZ=fuzz_page_decode|fuzz_walker|fuzz_profile -DSRC=<repo> -DBIN=<dir> -DSECONDS=N
#   fuzz_walker also: -DMKIMAGE=<mkimage binary> (makes the memory image of
#   the committed sample dump first) and replays tests/fuzz/walker-seeds (the
#   inputs of bugs it found, one file each); fuzz_profile is seeded with the sample's
#   profile (fuzz_dumpfile has its own script, run-fuzz-dumpfile.cmake)
# Any crash, sanitizer report, leak or hang (-timeout) fails the test.
find_program(CLANG NAMES clang clang-14 REQUIRED)
file(MAKE_DIRECTORY ${BIN}/${FUZZ}-corpus)
file(GLOB lib_srcs ${SRC}/lib/*.c)
set(extra)
set(env)
if(FUZZ STREQUAL "fuzz_walker")
	set(image ${BIN}/sample.img)
	if(NOT EXISTS ${image})
		execute_process(COMMAND ${MKIMAGE} ${SRC}/vmcores/sample/vmcore
				${SRC}/vmcores/sample/profile ${image}
			RESULT_VARIABLE rc)
		if(rc)
			message(FATAL_ERROR "mkimage failed: ${rc}")
		endif()
	endif()
	# lib/ reads pmtrace regions through ringbuf/'s read-only helpers
	file(GLOB ringbuf_srcs ${SRC}/ringbuf/*.c)
	set(extra ${SRC}/tests/fuzz/image.c ${ringbuf_srcs} -I${SRC}/ringbuf -ltraceevent -lzstd -lz -lpthread)
	set(ENV{PMT_FUZZ_IMAGE} ${image})
	set(ENV{PMT_FUZZ_PROFILE} ${SRC}/vmcores/sample/profile)
	set(ENV{PMTRACE_CACHE} ${BIN}/cache)
	# inputs that once found a bug, run first on every fuzz run
	set(seeds ${SRC}/tests/fuzz/walker-seeds)
elseif(FUZZ STREQUAL "fuzz_profile")
	set(lib_srcs ${SRC}/lib/profile.c ${SRC}/lib/error.c ${SRC}/lib/target.c)
	file(MAKE_DIRECTORY ${BIN}/${FUZZ}-seeds)
	file(COPY ${SRC}/vmcores/sample/profile DESTINATION ${BIN}/${FUZZ}-seeds)
	set(seeds ${BIN}/${FUZZ}-seeds)
	set(max_len 16384)
else()
	set(lib_srcs ${SRC}/lib/page_decode.c ${SRC}/lib/error.c)
endif()
if(NOT DEFINED max_len)
	set(max_len 512)
endif()
execute_process(COMMAND ${CLANG} -std=gnu11 -O1 -g -D_GNU_SOURCE -Wall -Wextra -Werror
		-Wno-unused-parameter -fsanitize=fuzzer,address,undefined
		-fno-sanitize-recover=all -I${SRC}/include -I${SRC}/lib -I${SRC}/tests/fuzz
		${SRC}/tests/fuzz/${FUZZ}.c ${lib_srcs} ${extra} -o ${BIN}/${FUZZ}
	RESULT_VARIABLE rc)
if(rc)
	message(FATAL_ERROR "building ${FUZZ} failed: ${rc}")
endif()
execute_process(COMMAND ${BIN}/${FUZZ} -max_total_time=${SECONDS} -max_len=${max_len}
		-timeout=20 -rss_limit_mb=3072 -print_final_stats=1 ${BIN}/${FUZZ}-corpus ${seeds}
	WORKING_DIRECTORY ${BIN}
	RESULT_VARIABLE rc)
if(rc)
	message(FATAL_ERROR "${FUZZ} found a problem (exit ${rc}); the input is in ${BIN}")
endif()
