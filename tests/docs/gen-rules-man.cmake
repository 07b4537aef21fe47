# cmake -DMIGCHECK=path/to/migcheck -DOUT=man/migcheck-rules.7 -P gen-rules-man.cmake
execute_process(COMMAND ${MIGCHECK} rules --format man OUTPUT_FILE ${OUT}.tmp
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  file(REMOVE ${OUT}.tmp)
  message(FATAL_ERROR "'migcheck rules --format man' failed (${rc})")
endif()
file(RENAME ${OUT}.tmp ${OUT})
