// twin check SCENE: load, compile, summarise, settle briefly, and say whether the scene is usable.
#include <twin/scenes/layout_diagnostics.h>
#include <twin/scenes/scene.h>
#include <twin/sim/site_world.h>

#include "cli_checks.h"
#include "report.h"
#include "verbs.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace twin::tools {
namespace {

struct CheckOptions {
  std::string scene;
  double settle = 1.0;
  double penetration_mm = 1.0;
};

std::string Name(const mjModel* m, mjtObj type, int id) {
  const char* name = mj_id2name(m, type, id);
  return (name && *name) ? name : "#" + std::to_string(id);
}

const char* IntegratorName(int integrator) {
  switch (integrator) {
    case mjINT_EULER: return "Euler";
    case mjINT_RK4: return "RK4";
    case mjINT_IMPLICIT: return "implicit";
    default: return "?";
  }
}

// What a layout placed: equipment by type, classes, sensors.
void PrintLayoutSummary(const scenes::Site& site) {
  std::map<std::string, int> by_type;
  for (const scenes::Entity& e : site.entities) ++by_type[e.type];
  std::printf("  equipment   %zu:", site.entities.size());
  for (const auto& [type, count] : by_type) std::printf(" %s %d", type.c_str(), count);
  std::printf("\n  classes     %zu:", site.classes.size());
  for (const std::string& c : site.classes) std::printf(" %s", c.c_str());
  std::printf("\n  conveyors   %zu\n", site.conveyors.size());
  std::printf("  sensors     %zu camera(s), %zu lidar(s), %zu IMU(s), %zu beam-break(s)\n",
              site.cameras.size(), site.lidars.size(), site.imus.size(), site.beam_breaks.size());
}

void PrintSummary(const sim::World& world, const scenes::Scene& scene) {
  const mjModel* m = world.model();
  int joints_by_type[4] = {0, 0, 0, 0};  // free, ball, slide, hinge
  for (int j = 0; j < m->njnt; ++j) ++joints_by_type[m->jnt_type[j]];
  double mass = 0;
  for (int b = 1; b < m->nbody; ++b) mass += m->body_mass[b];

  std::printf("twin check: %s (%s)\n", scene.path.c_str(),
              scene.source == scenes::SceneSource::kLayout ? "twin layout"
                                                           : scenes::SceneFormatName(scene.format));
  if (scene.source == scenes::SceneSource::kLayout) PrintLayoutSummary(scene.site);
  std::printf("  bodies      %d (plus the world body)\n", m->nbody - 1);
  std::printf("  joints      %d (free %d, ball %d, slide %d, hinge %d), %d dofs\n", m->njnt,
              joints_by_type[mjJNT_FREE], joints_by_type[mjJNT_BALL], joints_by_type[mjJNT_SLIDE],
              joints_by_type[mjJNT_HINGE], m->nv);
  std::printf("  geoms       %d\n", m->ngeom);
  std::printf("  actuators   %d\n", m->nu);
  std::printf("  sensors     %d (%d values)\n", m->nsensor, m->nsensordata);
  std::printf("  cameras     %d", m->ncam);
  for (int c = 0; c < m->ncam; ++c)
    std::printf("%s%s", c ? ", " : ": ", Name(m, mjOBJ_CAMERA, c).c_str());
  std::printf("\n  lights      %d\n", m->nlight);
  std::printf("  total mass  %.3f kg\n", mass);
  std::printf("  timestep    %g s (%s integrator), gravity (%g, %g, %g)\n", m->opt.timestep,
              IntegratorName(m->opt.integrator), m->opt.gravity[0], m->opt.gravity[1],
              m->opt.gravity[2]);
}

// Contacts deeper than the threshold in the initial state: the solver will push them apart
// violently at the first step, which usually means a placement mistake.
int PrintPenetrations(const sim::World& world, double threshold_mm) {
  const mjModel* m = world.model();
  const mjData* d = world.data();
  int deep = 0;
  for (int i = 0; i < d->ncon; ++i) {
    const mjContact& c = d->contact[i];
    if (-c.dist * 1000.0 <= threshold_mm) continue;
    if (deep < 10) {
      std::printf(
          "  penetration geom '%s' (body '%s') and geom '%s' (body '%s') overlap by "
          "%.1f mm at (%.3f, %.3f, %.3f)\n",
          Name(m, mjOBJ_GEOM, c.geom1).c_str(),
          Name(m, mjOBJ_BODY, m->geom_bodyid[c.geom1]).c_str(),
          Name(m, mjOBJ_GEOM, c.geom2).c_str(),
          Name(m, mjOBJ_BODY, m->geom_bodyid[c.geom2]).c_str(), -c.dist * 1000.0, c.pos[0],
          c.pos[1], c.pos[2]);
    }
    ++deep;
  }
  if (deep > 10) std::printf("  penetration ... and %d more\n", deep - 10);
  return deep;
}

// A layout with mistakes: every one of them (up to 100), as the loader words each, on stderr.
bool ReportLayoutMistakes(const std::string& path) {
  const std::string ext = std::filesystem::path(path).extension().string();
  if (ext != ".yaml" && ext != ".yml") return false;
  const scenes::LayoutCheck check = scenes::CheckLayoutFile(path);
  if (check.errors() == 0) return false;
  for (const scenes::Diagnostic& d : check.diagnostics) {
    const bool error = d.severity == scenes::Diagnostic::Severity::kError;
    std::fprintf(stderr, "twin: %s: %s\n", error ? "error" : "warning", d.text.c_str());
  }
  std::fprintf(stderr, "twin check: %zu error(s)%s in %s; nothing was simulated\n", check.errors(),
               check.truncated ? " (the first 100 listed)" : "", path.c_str());
  return true;
}

int Check(const CheckOptions& opt) {
  if (ReportLayoutMistakes(opt.scene)) return kExitError;
  sim::SiteWorld site = sim::LoadSiteWorld(opt.scene, {});
  sim::World& world = site.world;
  PrintSummary(world, site.scene);

  std::string load_warnings = world.load_warnings();
  while (!load_warnings.empty() && load_warnings.back() == '\n') load_warnings.pop_back();
  if (!load_warnings.empty()) std::printf("  load        warning: %s\n", load_warnings.c_str());

  for (const std::string& note : site.scene.site.notes)
    std::printf("  note        %s\n", note.c_str());
  const int deep = PrintPenetrations(world, opt.penetration_mm);

  const int64_t steps = std::max<int64_t>(1, std::llround(opt.settle / world.timestep()));
  const int64_t taken = world.Step(steps);
  double max_speed = 0;
  for (int i = 0; i < world.model()->nv; ++i) {
    max_speed = std::max(max_speed, std::abs(world.data()->qvel[i]));
  }
  std::printf("  settle      %lld steps (%.3f s): largest joint speed at the end %.3g\n",
              static_cast<long long>(taken), taken * world.timestep(), max_speed);
  PrintAnomalies(world, stdout);

  if (HasSeriousAnomaly(world)) {
    std::printf("NOT USABLE: %s\n", world.anomalies().front().message.c_str());
    for (const sim::Anomaly& a : world.anomalies()) {
      if (&a != &world.anomalies().front()) std::printf("  also: %s\n", a.message.c_str());
    }
    return kExitDiverged;
  }
  std::printf("usable%s\n",
              deep > 0 ? " (with initial penetrations: check the placements above)" : "");
  return kExitOk;
}

}  // namespace

void AddCheckVerb(CLI::App& app, int* exit_code) {
  auto opt = std::make_shared<CheckOptions>();
  CLI::App* verb = app.add_subcommand(
      "check", "Validate a scene: load, compile, summarise, settle; exit 0 only when usable");
  verb->add_option("scene", opt->scene,
                   "Scene file: a twin layout (.yaml), MuJoCo MJCF (.xml) or URDF (.urdf)")
      ->required();
  verb->add_option("--settle", opt->settle, "Simulated seconds of the settle run")
      ->check(PositiveNumber("a duration in seconds, e.g. --settle 1"))
      ->capture_default_str();
  verb->add_option("--penetration-mm", opt->penetration_mm,
                   "Report initial contacts deeper than this (millimetres)")
      ->check(PositiveNumber("a depth in millimetres, e.g. --penetration-mm 1"))
      ->capture_default_str();
  verb->callback([opt, exit_code] { *exit_code = Check(*opt); });
}

}  // namespace twin::tools
