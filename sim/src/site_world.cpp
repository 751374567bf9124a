#include <twin/sim/site_world.h>

namespace twin::sim {

SiteWorld LoadSiteWorld(const std::string& path, WorldOptions options,
                        std::optional<uint64_t> seed) {
  scenes::Scene scene = scenes::LoadScene(path);
  options.seed = seed ? *seed : scene.site.has_seed ? scene.site.seed : kDefaultSeed;
  World world = World::FromScene(scene, std::move(options));
  std::shared_ptr<ConveyorDrive> conveyors;
  if (!scene.site.conveyors.empty()) conveyors = AttachConveyorDrive(world, scene.site);
  return SiteWorld{std::move(scene), std::move(world), std::move(conveyors)};
}

}  // namespace twin::sim
