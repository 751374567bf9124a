// Flag validators with messages a person can act on (CLI11 prefixes them with the flag name).
#pragma once

#include <CLI/CLI.hpp>

namespace twin::tools {

/// A number > 0, e.g. a duration in seconds.
CLI::Validator PositiveNumber(const char* what_and_example);
/// An integer >= 1, e.g. a step count.
CLI::Validator PositiveCount(const char* what_and_example);

}  // namespace twin::tools
