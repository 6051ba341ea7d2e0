# SPDX-License-Identifier: GPL-2.0-or-later
# cmake -DSCDOC=scdoc -DSRC=page.N.scd -DOUT=page.N -P scdoc.cmake
# One man page: SRC through scdoc into OUT (via a temporary file, so a failed
# run leaves no OUT behind and the build fails, with scdoc's message).
file(READ ${SRC} text) # fails here, naming the file, if it is unreadable
if(text STREQUAL "")
	message(FATAL_ERROR "${SRC} is empty")
endif()
execute_process(COMMAND ${SCDOC} INPUT_FILE ${SRC} OUTPUT_FILE ${OUT}.tmp
	ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
	file(REMOVE ${OUT}.tmp)
	message(FATAL_ERROR "scdoc failed on ${SRC} (${rc}): ${err}")
endif()
file(RENAME ${OUT}.tmp ${OUT})
