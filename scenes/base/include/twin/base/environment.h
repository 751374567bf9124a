// The environment a child process gets: this process's, with some names given new values.
#pragma once

#include <string>
#include <vector>

namespace twin::base {

/// This process's environment with `overrides` ("NAME=value") replacing the entries of the same
/// name; among overrides of one name the last wins. Each name appears once in the result, so no
/// child can read an inherited value in place of an override (getenv takes the first of a name).
std::vector<std::string> EnvironmentWith(const std::vector<std::string>& overrides);

}  // namespace twin::base
