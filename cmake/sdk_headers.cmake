# Copies the SDK's headers (core/base, core/assign) to OUT_DIR/expt/, rewriting
# `#include "core/` to `#include "expt/`, so that the build tree and an install prefix offer the
# same <expt/...> paths. Runs as `cmake -DSRC_DIR=... -DOUT_DIR=... -DHEADERS=a;b -P`.
foreach(header IN LISTS HEADERS)
  file(READ "${SRC_DIR}/core/${header}" text)
  string(REPLACE "#include \"core/" "#include \"expt/" text "${text}")
  set(out "${OUT_DIR}/expt/${header}")
  set(old "")
  if(EXISTS "${out}")
    file(READ "${out}" old)
  endif()
  if(NOT old STREQUAL text)  # leave unchanged headers alone so dependants do not rebuild
    file(WRITE "${out}" "${text}")
  endif()
endforeach()
