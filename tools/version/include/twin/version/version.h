// The version of this build of twin: `git describe --always --dirty` of the source tree when it
// was built from a git checkout (e.g. "a1b2c3d-dirty", "v0.2.0-4-ga1b2c3d"), else the release
// version of CMake's project(VERSION) (e.g. "0.1.0"). Generated at build time
// (tools/version/write_version.cmake).
#pragma once

namespace twin {

const char* Version();

}  // namespace twin
