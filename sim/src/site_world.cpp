#include <twin/base/error.h>
#include <twin/base/suggest.h>
#include <twin/sim/site_world.h>

#include <cstdio>

namespace twin::sim {
namespace {

template <typename Drive>
Drive& FindDrive(const std::vector<std::shared_ptr<Drive>>& drives, std::string_view name,
                 const std::string& what) {
  std::vector<std::string> names;
  for (const auto& drive : drives) {
    if (drive->name() == name) return *drive;
    names.push_back(drive->name());
  }
  throw base::Error("no " + what + " named '" + std::string(name) + "'" +
                    base::DidYouMean(std::string(name), names) +
                    (names.empty() ? "; the site has none" : ""));
}

template <typename T>
T& Find(const std::map<std::string, std::shared_ptr<T>>& items, std::string_view name,
        const char* what) {
  if (const auto it = items.find(std::string(name)); it != items.end()) return *it->second;
  std::vector<std::string> names;
  for (const auto& [key, item] : items) names.push_back(key);
  throw base::Error("the site has no " + std::string(what) + " named '" + std::string(name) + "'" +
                    base::DidYouMean(std::string(name), names));
}

}  // namespace

DiffDrive& SiteWorld::Amr(std::string_view name) const {
  return FindDrive(amrs, name, "AMR");
}

ForkliftDrive& SiteWorld::Forklift(std::string_view name) const {
  return FindDrive(forklifts, name, "forklift");
}

ArmController& SiteWorld::Arm(std::string_view name) const {
  return Find(arms, name, "arm");
}

GripperControl& SiteWorld::Gripper(std::string_view name) const {
  return Find(grippers, name, "gripper");
}

SiteWorld LoadSiteWorld(const std::string& path, WorldOptions options, std::optional<uint64_t> seed,
                        bool autopilot) {
  return MakeSiteWorld(scenes::LoadScene(path), std::move(options), seed, autopilot);
}

SiteWorld MakeSiteWorld(scenes::Scene scene, WorldOptions options, std::optional<uint64_t> seed,
                        bool autopilot) {
  options.seed = seed ? *seed : scene.site.has_seed ? scene.site.seed : base::kDefaultSeed;
  if (!options.log) {
    options.log = [](const std::string& line) { std::fprintf(stderr, "twin: %s\n", line.c_str()); };
  }
  const auto log = options.log;
  World world = World::FromScene(scene, std::move(options));

  SiteWorld site{std::move(scene), std::move(world), nullptr, nullptr, {}, {}, {}, {}, nullptr};
  const scenes::Site& s = site.scene.site;
  if (!s.conveyors.empty()) site.conveyors = AttachConveyorDrive(site.world, s);
  if (!s.spawners.empty() || !s.sinks.empty()) site.flows = AttachLogisticsFlow(site.world, s, log);
  site.amrs = AttachDiffDrives(site.world, s);
  site.forklifts = AttachForkliftDrives(site.world, s);
  for (const scenes::ArmSpec& arm : s.arms)
    site.arms[arm.entity] = AttachArmController(site.world, arm);
  for (const scenes::GripperSpec& gripper : s.grippers) {
    site.grippers[gripper.entity] = AttachGripperControl(site.world, gripper);
  }
  if (autopilot) site.autopilot = AttachAutopilot(site);
  return site;
}

}  // namespace twin::sim
