#include <twin/base/environment.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

TEST_CASE("EnvironmentWith replaces inherited names and the last override of a name wins",
          "[base][environment]") {
  setenv("TWIN_ENVIRONMENT_TEST", "inherited", 1);
  const std::vector<std::string> env = twin::base::EnvironmentWith(
      {"TWIN_ENVIRONMENT_TEST=first", "TWIN_OTHER_TEST=x", "TWIN_ENVIRONMENT_TEST=last"});
  std::vector<std::string> ours;
  for (const std::string& entry : env)
    if (entry.rfind("TWIN_ENVIRONMENT_TEST=", 0) == 0 || entry.rfind("TWIN_OTHER_TEST=", 0) == 0)
      ours.push_back(entry);
  CHECK(ours == std::vector<std::string>{"TWIN_OTHER_TEST=x", "TWIN_ENVIRONMENT_TEST=last"});
  CHECK(std::find(env.begin(), env.end(), "PATH=" + std::string(std::getenv("PATH"))) != env.end());
  unsetenv("TWIN_ENVIRONMENT_TEST");
}
