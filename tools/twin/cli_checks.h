// Flag validators with messages a person can act on (CLI11 prefixes them with the flag name).
#pragma once

#include <CLI/CLI.hpp>

namespace twin::tools {

/// A number > 0, e.g. a duration in seconds.
CLI::Validator PositiveNumber(const char* what_and_example);
/// An integer >= 1, e.g. a step count.
CLI::Validator PositiveCount(const char* what_and_example);

/// An integer in [1, max], e.g. a frame count with an upper bound.
CLI::Validator BoundedCount(long long max, const char* what_and_example);
/// A Vulkan device: an index (0-255) or a non-empty part of a device name.
CLI::Validator DeviceSelector();

}  // namespace twin::tools
