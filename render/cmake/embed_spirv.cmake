# cmake -DINPUT=x.spv -DOUTPUT=x.h -DNAME=kX -P embed_spirv.cmake
# Writes the SPIR-V words as a C++ array, so the shaders travel inside the binary.
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" length)
set(words "")
math(EXPR last "${length} - 8")
foreach(offset RANGE 0 ${last} 8)
  # SPIR-V is little-endian 32-bit words: reverse the bytes of each word.
  string(SUBSTRING "${hex}" ${offset} 8 w)
  string(SUBSTRING "${w}" 0 2 b0)
  string(SUBSTRING "${w}" 2 2 b1)
  string(SUBSTRING "${w}" 4 2 b2)
  string(SUBSTRING "${w}" 6 2 b3)
  string(APPEND words "0x${b3}${b2}${b1}${b0},")
endforeach()
file(WRITE "${OUTPUT}" "// Generated from ${INPUT} by embed_spirv.cmake; do not edit.\n#pragma once\n#include <cstdint>\ninline constexpr uint32_t ${NAME}[] = {${words}};\n")
