# SPDX-License-Identifier: LGPL-2.1-or-later
# Embed a text file as a C string: cmake -DIN=file -DOUT=file.c -DNAME=symbol -P embed.cmake
# The bytes are written in hex, so quotes, backslashes and '%' in the file need no escaping.
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" hexlen)
math(EXPR len "${hexlen} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){16})" "\\1\n    " body "${body}")
file(WRITE "${OUT}.tmp"
     "/* Generated from ${IN} by embed.cmake: do not edit. */\n"
     "#include <stddef.h>\n"
     "extern const char ${NAME}[];\n"
     "extern const size_t ${NAME}_len;\n"
     "const char ${NAME}[] = {\n    ${body}0x00\n};\n"
     "const size_t ${NAME}_len = ${len};\n")
configure_file("${OUT}.tmp" "${OUT}" COPYONLY)
file(REMOVE "${OUT}.tmp")
