// The sections of a layout file, each read by its own file:
//   site:       layout_site.cpp     (name, timestep, gravity, seed, floor, walls, columns)
//   equipment:  layout_loader.cpp   (placed items, parents, classes, randomize)
//   include:    layout_loader.cpp   (other layouts placed with a pose)
//   sensors:    layout_sensors.cpp  (cameras, lidars, IMUs, beam-break sensors)
//   lights:     layout_site.cpp
//   bridge:     layout_site.cpp     (topic-name overrides)
//   randomize:  layout_randomize.cpp (domain randomization, distractor bodies)
#pragma once

#include <twin/scenes/layout_document.h>
#include <twin/scenes/scene.h>

#include "equipment.h"
#include "layout_node.h"

#include <filesystem>
#include <vector>

namespace twin::scenes::internal {

/// Where things of an (included) layout go: its placement in the world and its name prefix.
struct Placement {
  Pose pose;
  std::string prefix;
};

void ReadSiteSection(const LayoutNode& site, LayoutBuild& build);
void ReadLights(const LayoutNode& lights, const Placement& at, LayoutBuild& build);
void ReadBridge(const LayoutNode& bridge, LayoutBuild& build);
void ReadAutopilot(const LayoutNode& autopilot, LayoutBuild& build);
/// The top-level randomize: section (after equipment, so classes and pools are known); adds the
/// distractor bodies it asks for.
void ReadRandomizeSection(const LayoutNode& node, LayoutBuild& build);
void ReadSensors(const LayoutNode& sensors, const Placement& at, LayoutBuild& build);

/// The body a sensor or light is attached to: "world", a mount point, or an MJCF body name.
/// Returns the body element and the frame of `mount` in that body; fails naming the key.
std::pair<Xml*, Pose> ResolveMount(const LayoutNode& where, const std::string& mount,
                                   LayoutBuild& build);

struct DiagnosticsCollector;
/// Expand, listing mistakes in `collect` when given (else the first throws); `sources`, when
/// given, gets the files read.
Scene ExpandLayout(const Layout& layout, std::vector<std::filesystem::path>* sources,
                   DiagnosticsCollector* collect);
/// The text of a layout file; throws naming the file when it is missing, unreadable or empty.
std::string ReadLayoutFileText(const std::string& path);

/// LoadLayoutText and LoadScene; `sources`, when given, gets the files read (scene_sources.h).
Scene LoadLayout(const std::string& text, const std::string& shown, const std::string& base_dir,
                 std::vector<std::filesystem::path>* sources);
Scene LoadSceneFile(const std::string& path, std::vector<std::filesystem::path>* sources);

/// The id of a semantic class (1-based), adding the class on first use.
int ClassId(Site& site, const std::string& name);

/// Names must be unique across the layout; records where `name` was declared or fails.
void ClaimName(const LayoutNode& where, const std::string& name, LayoutBuild& build);

}  // namespace twin::scenes::internal
