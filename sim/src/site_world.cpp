#include <twin/sim/site_world.h>

#include <cstdio>

namespace twin::sim {

SiteWorld LoadSiteWorld(const std::string& path, WorldOptions options,
                        std::optional<uint64_t> seed) {
  scenes::Scene scene = scenes::LoadScene(path);
  options.seed = seed ? *seed : scene.site.has_seed ? scene.site.seed : kDefaultSeed;
  if (!options.log) {
    options.log = [](const std::string& line) { std::fprintf(stderr, "twin: %s\n", line.c_str()); };
  }
  const auto log = options.log;
  World world = World::FromScene(scene, std::move(options));

  SiteWorld site{std::move(scene), std::move(world), nullptr, nullptr};
  const scenes::Site& s = site.scene.site;
  if (!s.conveyors.empty()) site.conveyors = AttachConveyorDrive(site.world, s);
  if (!s.spawners.empty() || !s.sinks.empty()) site.flows = AttachLogisticsFlow(site.world, s, log);
  return site;
}

}  // namespace twin::sim
