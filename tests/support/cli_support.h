// Running the built `twin` binary as a user does, for the CLI tests of every verb.
#pragma once

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "process.h"

namespace twin::testing {

/// `twin ARGS...` (TWIN_BINARY, defined for every test executable) with extra environment.
inline ProcessResult Twin(std::vector<std::string> args, std::vector<std::string> env = {}) {
  args.insert(args.begin(), TWIN_BINARY);
  return RunProcess(args, env);
}

/// The process exited normally with `code`, with no sanitizer report and no Vulkan validation
/// message; its output goes into the failure message.
inline void RequireCleanExit(const ProcessResult& r, int code) {
  INFO("stdout: " << r.out);
  INFO("stderr: " << r.err);
  REQUIRE(r.signal == 0);
  REQUIRE(r.exit_code == code);
  REQUIRE_THAT(r.err, !Catch::Matchers::Contains("AddressSanitizer") &&
                          !Catch::Matchers::Contains("runtime error:") &&
                          !Catch::Matchers::Contains("Vulkan validation:"));
}

}  // namespace twin::testing
