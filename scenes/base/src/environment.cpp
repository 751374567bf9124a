#include <twin/base/environment.h>

#include <string_view>

extern char** environ;

namespace twin::base {
namespace {

std::string_view NameOf(std::string_view entry) {
  return entry.substr(0, entry.find('='));
}

// Whether an override after position `index` sets the same name.
bool OverriddenLater(const std::vector<std::string>& overrides, size_t index) {
  for (size_t later = index + 1; later < overrides.size(); ++later)
    if (NameOf(overrides[later]) == NameOf(overrides[index])) return true;
  return false;
}

}  // namespace

std::vector<std::string> EnvironmentWith(const std::vector<std::string>& overrides) {
  std::vector<std::string> result;
  for (char** e = environ; *e; ++e) {
    const std::string_view name = NameOf(*e);
    bool replaced = false;
    for (const std::string& entry : overrides) replaced = replaced || NameOf(entry) == name;
    if (!replaced) result.emplace_back(*e);
  }
  for (size_t i = 0; i < overrides.size(); ++i)
    if (!OverriddenLater(overrides, i)) result.push_back(overrides[i]);
  return result;
}

}  // namespace twin::base
