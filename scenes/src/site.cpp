#include <twin/base/error.h>
#include <twin/scenes/site.h>

namespace twin::scenes {

const Entity* Site::FindEntity(const std::string& name) const {
  for (const Entity& entity : entities) {
    if (entity.name == name) return &entity;
  }
  return nullptr;
}

const AutopilotSpec::Value& AutopilotSpec::Require(const std::string& key) const {
  const auto it = params.find(key);
  if (it == params.end()) {
    throw base::Error(where + ": autopilot '" + type + "' needs the key '" + key + "'");
  }
  return it->second;
}

void AutopilotSpec::Fail(const std::string& key, const std::string& message) const {
  const auto it = params.find(key);
  throw base::Error((it == params.end() ? where : it->second.where) + ": " + message);
}

}  // namespace twin::scenes
