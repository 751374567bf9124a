// `twin --version` prints the version of the build: `git describe --always --dirty` of the
// source tree when it is a git checkout, else CMake's project(VERSION). The truth is git itself,
// run here on the same tree.
#include <catch2/catch.hpp>

#include "cli_support.h"

using twin::testing::RequireCleanExit;
using twin::testing::RunProcess;
using twin::testing::Twin;

TEST_CASE("twin --version prints git describe of the source tree, else the release version",
          "[cli][version]") {
  // The build ran the same command (tools/version/write_version.cmake); a tree edited after the
  // build reads -dirty here and fails, as the binary then does not describe it.
  const auto git = RunProcess({"/usr/bin/env", "git", "--no-optional-locks", "-C", TWIN_SOURCE_DIR,
                               "describe", "--always", "--dirty"});
  std::string expected = TWIN_RELEASE_VERSION;
  if (git.exit_code == 0 && git.out.size() > 1) expected = git.out.substr(0, git.out.size() - 1);
  INFO("git describe: exit " << git.exit_code << ", " << git.out << git.err);
  const auto r = Twin({"--version"});
  RequireCleanExit(r, 0);
  CHECK(r.out == "twin " + expected + "\n");
  CHECK(expected != "");
}
