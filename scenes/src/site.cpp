#include <twin/scenes/site.h>

namespace twin::scenes {

const Entity* Site::FindEntity(const std::string& name) const {
  for (const Entity& entity : entities) {
    if (entity.name == name) return &entity;
  }
  return nullptr;
}

}  // namespace twin::scenes
