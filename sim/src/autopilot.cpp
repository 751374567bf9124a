#include <twin/base/error.h>
#include <twin/base/suggest.h>
#include <twin/sim/autopilot.h>
#include <twin/sim/site_world.h>

#include "autopilot_palletize.h"

namespace twin::sim {

const std::vector<AutopilotType>& AutopilotTypes() {
  // One line per autopilot (sim/src/autopilot_*.cpp).
  static const std::vector<AutopilotType> types = {
      {"warehouse", "AMRs patrol the aisles; a forklift moves a pallet", MakeWarehouseAutopilot},
      {"palletize",
       "pick cartons off a conveyor at a beam break and stack them on a pallet in a pattern",
       internal::MakePalletizeAutopilot},
  };
  return types;
}

std::shared_ptr<Autopilot> AttachAutopilot(SiteWorld& site) {
  const scenes::AutopilotSpec& spec = site.scene.site.autopilot;
  if (spec.type.empty()) return nullptr;
  std::vector<std::string> names;
  for (const AutopilotType& type : AutopilotTypes()) {
    if (type.name == spec.type) return type.make(site, spec);
    names.push_back(type.name);
  }
  throw base::Error(spec.where + ": unknown autopilot type '" + spec.type + "'" +
                    base::UnknownNameHint(spec.type, names, "; the types are: "));
}

}  // namespace twin::sim
