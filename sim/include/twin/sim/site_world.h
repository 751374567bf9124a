// A World built from a scene file, with the behaviours its site declares attached: what `twin run`,
// `twin check` and every later verb start from.
#pragma once

#include <twin/scenes/scene.h>
#include <twin/sim/arm_controller.h>
#include <twin/sim/autopilot.h>
#include <twin/sim/conveyor_drive.h>
#include <twin/sim/diff_drive.h>
#include <twin/sim/forklift_drive.h>
#include <twin/sim/gripper_control.h>
#include <twin/sim/logistics_flow.h>
#include <twin/sim/world.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace twin::sim {

struct SiteWorld {
  scenes::Scene scene;
  World world;
  std::shared_ptr<ConveyorDrive> conveyors;      ///< null when the site has none
  std::shared_ptr<LogisticsFlow> flows;          ///< null when the site has no spawner or sink
  std::vector<std::shared_ptr<DiffDrive>> amrs;  ///< one per AMR, in layout order
  std::vector<std::shared_ptr<ForkliftDrive>> forklifts;            ///< one per forklift
  std::map<std::string, std::shared_ptr<ArmController>> arms;       ///< by entity name
  std::map<std::string, std::shared_ptr<GripperControl>> grippers;  ///< by entity name

  /// The behaviour of the AMR / forklift / arm / gripper named `name`; each throws
  /// twin::base::Error naming the closest names when there is none.
  DiffDrive& Amr(std::string_view name) const;
  ForkliftDrive& Forklift(std::string_view name) const;
  ArmController& Arm(std::string_view name) const;
  GripperControl& Gripper(std::string_view name) const;

  /// The layout's autopilot (null without one). It holds the behaviours it commands, never the
  /// SiteWorld itself, so a SiteWorld can be moved.
  std::shared_ptr<Autopilot> autopilot;
};

/// Loads `path` (layout or model) and attaches its behaviours, and its autopilot when the layout
/// has one and `autopilot` is true. The seed is `seed` when given, else the layout's
/// `site: seed:`, else base::kDefaultSeed.
SiteWorld LoadSiteWorld(const std::string& path, WorldOptions options,
                        std::optional<uint64_t> seed = std::nullopt, bool autopilot = true);

/// The same for a scene already loaded (e.g. by scenes::LoadLayoutText).
SiteWorld MakeSiteWorld(scenes::Scene scene, WorldOptions options,
                        std::optional<uint64_t> seed = std::nullopt, bool autopilot = true);

}  // namespace twin::sim
