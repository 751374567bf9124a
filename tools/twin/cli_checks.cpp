#include "cli_checks.h"

#include <cmath>
#include <string>

namespace twin::tools {

CLI::Validator PositiveNumber(const char* what_and_example) {
  const std::string hint = what_and_example;
  return CLI::Validator(
      [hint](std::string& value) -> std::string {
        try {
          size_t used = 0;
          const double x = std::stod(value, &used);
          if (used == value.size() && std::isfinite(x) && x > 0) return "";
        } catch (...) {
        }
        return "'" + value + "' is not a positive number; give " + hint;
      },
      "NUMBER>0");
}

CLI::Validator PositiveCount(const char* what_and_example) {
  const std::string hint = what_and_example;
  return CLI::Validator(
      [hint](std::string& value) -> std::string {
        try {
          size_t used = 0;
          const long long x = std::stoll(value, &used);
          if (used == value.size() && x > 0) return "";
        } catch (...) {
        }
        return "'" + value + "' is not a whole number >= 1; give " + hint;
      },
      "INT>=1");
}

CLI::Validator BoundedCount(long long max, const char* what_and_example) {
  const std::string hint = what_and_example;
  return CLI::Validator(
      [hint, max](std::string& value) -> std::string {
        try {
          size_t used = 0;
          const long long x = std::stoll(value, &used);
          if (used == value.size() && x > 0 && x <= max) return "";
        } catch (...) {
        }
        return "'" + value + "' is not a whole number from 1 to " + std::to_string(max) +
               "; give " + hint;
      },
      "INT in [1, " + std::to_string(max) + "]");
}

CLI::Validator DeviceSelector() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        if (value.empty())
          return "an empty device name; give an index or part of a name from `vulkaninfo "
                 "--summary` (e.g. --device 0 or --device llvmpipe)";
        if (value.find_first_not_of("0123456789") != std::string::npos) return "";
        if (value.size() <= 3 && std::stoi(value) <= 255) return "";
        return "'" + value +
               "' is not a device index (0 to 255); give an index or part of a name from "
               "`vulkaninfo --summary` (e.g. --device 0 or --device llvmpipe)";
      },
      "INDEX|NAME");
}

}  // namespace twin::tools
