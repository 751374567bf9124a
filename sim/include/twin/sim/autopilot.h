// Autopilots: the scripted logic of a built-in twin (palletize the cartons that arrive, patrol the
// aisles, move a pallet) so that a scene does something useful out of the box, without ROS.
//
// A layout names one in its `autopilot:` section ({type: NAME, ...parameters}); the table in
// autopilot.cpp maps NAME to a factory. An autopilot is a behaviour of the World (sim/behaviour.h:
// a pre-step hook whose state is saved and restored with the world's) and commands the site's
// other behaviours (arm controllers, grippers, drives, conveyors) like a PLC would.
#pragma once

#include <twin/scenes/site.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace twin::sim {

struct SiteWorld;

class Autopilot {
 public:
  virtual ~Autopilot() = default;
  /// One line for a person: what it has done so far ("palletized 12 cartons").
  virtual std::string Status() const = 0;

  /// Off, its step does nothing: the machines keep their last commands until someone else (the
  /// ROS bridge, a test) gives them new ones; on again, it goes on from where it stopped. On when
  /// made. A setting of whoever runs the world, like pausing, so not part of its snapshots.
  void set_enabled(bool on) { enabled_ = on; }
  bool enabled() const { return enabled_; }

 private:
  bool enabled_ = true;
};

/// Builds an autopilot for `site` from its spec, checking the parameters (twin::base::Error naming
/// the layout's file, line and key on bad ones), and attaches it to site.world as a behaviour.
using AutopilotFactory =
    std::function<std::shared_ptr<Autopilot>(SiteWorld& site, const scenes::AutopilotSpec& spec)>;

struct AutopilotType {
  std::string name;
  std::string description;
  AutopilotFactory make;
};

/// Every autopilot twin knows.
const std::vector<AutopilotType>& AutopilotTypes();

/// `warehouse` (sim/src/autopilot_warehouse.cpp): AMRs patrol waypoint loops, a forklift moves a
/// pallet between two floor spots. Parameters in scenes/README.md.
std::shared_ptr<Autopilot> MakeWarehouseAutopilot(SiteWorld& site,
                                                  const scenes::AutopilotSpec& spec);

/// Creates the autopilot the site's layout asks for; null when it asks for none. Throws
/// twin::base::Error for an unknown type (with a suggestion) or bad parameters.
std::shared_ptr<Autopilot> AttachAutopilot(SiteWorld& site);

}  // namespace twin::sim
