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

}  // namespace twin::tools
