// The built-in warehouse twin as the randomization and settling tests load it: no autopilot (as
// `twin datagen` loads scenes) and no log lines.
#pragma once

#include <twin/sim/site_world.h>

#include <string>

namespace twin::testing {

inline const std::string kWarehouseLayout = std::string(TWIN_TWINS_DIR) + "/warehouse.yaml";

inline twin::sim::SiteWorld QuietWarehouse() {
  twin::sim::WorldOptions options;
  options.log = [](const std::string&) {};
  return twin::sim::LoadSiteWorld(kWarehouseLayout, options, std::nullopt, /*autopilot=*/false);
}

}  // namespace twin::testing
