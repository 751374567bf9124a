#include <twin/scenes/error.h>
#include <twin/scenes/suggest.h>
#include <twin/sim/site_world.h>

namespace twin::sim {
namespace {

template <typename T>
T& Find(const std::map<std::string, std::shared_ptr<T>>& items, std::string_view name,
        const char* what) {
  if (const auto it = items.find(std::string(name)); it != items.end()) return *it->second;
  std::vector<std::string> names;
  for (const auto& [key, item] : items) names.push_back(key);
  throw Error("the site has no " + std::string(what) + " named '" + std::string(name) + "'" +
              DidYouMean(std::string(name), names));
}

}  // namespace

ArmController& SiteWorld::Arm(std::string_view name) const {
  return Find(arms, name, "arm");
}

GripperControl& SiteWorld::Gripper(std::string_view name) const {
  return Find(grippers, name, "gripper");
}

SiteWorld LoadSiteWorld(const std::string& path, WorldOptions options,
                        std::optional<uint64_t> seed) {
  return MakeSiteWorld(scenes::LoadScene(path), std::move(options), seed);
}

SiteWorld MakeSiteWorld(scenes::Scene scene, WorldOptions options, std::optional<uint64_t> seed) {
  options.seed = seed ? *seed : scene.site.has_seed ? scene.site.seed : kDefaultSeed;
  World world = World::FromScene(scene, std::move(options));
  std::shared_ptr<ConveyorDrive> conveyors;
  if (!scene.site.conveyors.empty()) conveyors = AttachConveyorDrive(world, scene.site);
  SiteWorld out{std::move(scene), std::move(world), std::move(conveyors), {}, {}};
  for (const scenes::ArmSpec& arm : out.scene.site.arms) {
    out.arms[arm.entity] = AttachArmController(out.world, arm);
  }
  for (const scenes::GripperSpec& gripper : out.scene.site.grippers) {
    out.grippers[gripper.entity] = AttachGripperControl(out.world, gripper);
  }
  return out;
}

}  // namespace twin::sim
