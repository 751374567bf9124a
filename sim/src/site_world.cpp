#include <twin/scenes/error.h>
#include <twin/scenes/suggest.h>
#include <twin/sim/site_world.h>

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
  throw Error("no " + what + " named '" + std::string(name) + "'" +
              DidYouMean(std::string(name), names) + (names.empty() ? "; the site has none" : ""));
}

}  // namespace

DiffDrive& SiteWorld::Amr(std::string_view name) const {
  return FindDrive(amrs, name, "AMR");
}

ForkliftDrive& SiteWorld::Forklift(std::string_view name) const {
  return FindDrive(forklifts, name, "forklift");
}

SiteWorld LoadSiteWorld(const std::string& path, WorldOptions options,
                        std::optional<uint64_t> seed) {
  scenes::Scene scene = scenes::LoadScene(path);
  options.seed = seed ? *seed : scene.site.has_seed ? scene.site.seed : kDefaultSeed;
  World world = World::FromScene(scene, std::move(options));
  std::shared_ptr<ConveyorDrive> conveyors;
  if (!scene.site.conveyors.empty()) conveyors = AttachConveyorDrive(world, scene.site);
  auto amrs = AttachDiffDrives(world, scene.site);
  auto forklifts = AttachForkliftDrives(world, scene.site);
  return SiteWorld{std::move(scene), std::move(world), std::move(conveyors), std::move(amrs),
                   std::move(forklifts)};
}

}  // namespace twin::sim
