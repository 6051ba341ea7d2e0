# SPDX-License-Identifier: GPL-2.0-or-later
# Configure and build a ThreadSanitizer tree of the writer only
# (-DPMTRACE_RINGBUF_ONLY=ON) under the current build directory, then run the
# stress test there in both modes. Called by the ringbuf.tsan ctest test with
# -DSRC=<source dir> -DBIN=<tree to create>.
set(tree "${BIN}")
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SRC} -B ${tree} -DPMTRACE_SANITIZE=thread
		-DPMTRACE_RINGBUF_ONLY=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
	RESULT_VARIABLE rc OUTPUT_QUIET)
if(rc)
	message(FATAL_ERROR "configuring the TSan tree failed: ${rc}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${tree} -j2 --target test_stress test_ringbuf
	RESULT_VARIABLE rc OUTPUT_QUIET)
if(rc)
	message(FATAL_ERROR "building the TSan tree failed: ${rc}")
endif()
# setarch -R: TSan's shadow layout does not fit high-entropy mmap randomisation
find_program(SETARCH setarch)
set(pre "")
if(SETARCH)
	set(pre ${SETARCH} -R)
endif()
foreach(mode 0 1)
	execute_process(COMMAND ${pre} ${tree}/tests/ringbuf/test_stress 3 40000 ${mode}
		RESULT_VARIABLE rc)
	if(rc)
		message(FATAL_ERROR "TSan stress (overwrite=${mode}) failed: ${rc}")
	endif()
endforeach()
execute_process(COMMAND ${pre} ${tree}/tests/ringbuf/test_ringbuf RESULT_VARIABLE rc
	OUTPUT_QUIET)
if(rc)
	message(FATAL_ERROR "TSan functional tests failed: ${rc}")
endif()
