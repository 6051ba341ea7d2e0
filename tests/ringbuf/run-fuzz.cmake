# SPDX-License-Identifier: GPL-2.0-or-later
# Build the region-validator fuzzer with clang (-fsanitize=fuzzer,address,
# undefined) into BIN, seed it with valid regions from SEEDGEN, and fuzz for
# SECONDS. Any crash, leak, sanitizer report or hang fails the test.
find_program(CLANG NAMES clang clang-14 REQUIRED)
file(MAKE_DIRECTORY ${BIN}/seeds ${BIN}/corpus)
set(srcs platform_user.c event.c region.c writer.c reader.c layout.c comm.c evfmt.c stdevents.c
	idle.c backing.c create.c resize.c)
list(TRANSFORM srcs PREPEND ${SRC}/ringbuf/)
execute_process(COMMAND ${CLANG} -std=gnu11 -O1 -g -D_GNU_SOURCE -Wall -Wextra -Werror
		-Wno-unused-parameter -fsanitize=fuzzer,address,undefined
		-fno-sanitize-recover=all -I${SRC}/include -I${SRC}/ringbuf
		${SRC}/tests/ringbuf/fuzz_region.c ${srcs} ${SRC}/lib/error.c -lpthread
		-o ${BIN}/fuzz_region
	RESULT_VARIABLE rc)
if(rc)
	message(FATAL_ERROR "building the fuzzer failed: ${rc}")
endif()
execute_process(COMMAND ${SEEDGEN} ${BIN}/seeds RESULT_VARIABLE rc)
if(rc)
	message(FATAL_ERROR "writing seeds failed: ${rc}")
endif()
execute_process(COMMAND ${BIN}/fuzz_region -max_total_time=${SECONDS} -max_len=50000
		-timeout=10 -rss_limit_mb=2048 -print_final_stats=1
		${BIN}/corpus ${BIN}/seeds
	RESULT_VARIABLE rc)
if(rc)
	message(FATAL_ERROR "the fuzzer found a problem (exit ${rc}); the input is in the cwd")
endif()
