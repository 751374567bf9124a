// twin run SCENE: headless physics, as fast as possible or paced to the wall clock.
#include <twin/sim/site_world.h>

#include "cli_checks.h"
#include "progress.h"
#include "report.h"
#include "verbs.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <thread>

namespace twin::tools {
namespace {

struct RunOptions {
  std::string scene;
  double duration = 10.0;
  bool realtime = false;
  std::optional<uint64_t> seed;  // unset: the layout's seed, else the default
  sim::DivergencePolicy on_divergence = sim::DivergencePolicy::kStop;
  bool no_autopilot = false;
};

int Run(const RunOptions& opt) {
  using Clock = std::chrono::steady_clock;
  sim::WorldOptions world_options;
  world_options.on_divergence = opt.on_divergence;
  sim::SiteWorld site = sim::LoadSiteWorld(opt.scene, world_options, opt.seed, !opt.no_autopilot);
  sim::World& world = site.world;

  const double dt = world.timestep();
  const int64_t total_steps = std::max<int64_t>(1, std::llround(opt.duration / dt));
  // Work in chunks so the progress line and the real-time pacing cost nothing per step.
  const int64_t chunk = opt.realtime ? std::max<int64_t>(1, std::llround(0.01 / dt))
                                     : std::max<int64_t>(1, std::llround(0.25 / dt));

  ProgressLine progress("twin run", total_steps * dt, "s sim");
  const Clock::time_point start = Clock::now();
  int64_t done = 0;
  while (done < total_steps && !world.diverged()) {
    const int64_t n = std::min(chunk, total_steps - done);
    done += world.Step(n);
    if (opt.realtime) {
      // Sleep until the wall clock catches up with simulated time, measured from the start so
      // that rounding never accumulates into drift.
      std::this_thread::sleep_until(start + std::chrono::duration_cast<Clock::duration>(
                                                std::chrono::duration<double>(done * dt)));
    }
    progress.Update(done * dt);
  }
  progress.Finish();
  const double wall = std::chrono::duration<double>(Clock::now() - start).count();

  std::printf("twin run: %s\n", opt.scene.c_str());
  std::printf("  simulated   %.3f s in %lld steps (timestep %g s)\n", done * dt,
              static_cast<long long>(done), dt);
  std::printf("  wall        %.3f s, %.0f steps/s, real-time factor %.2fx%s\n", wall,
              wall > 0 ? done / wall : 0.0, wall > 0 ? done * dt / wall : 0.0,
              opt.realtime ? " (paced to the wall clock)" : "");
  std::printf("  seed        %llu\n", static_cast<unsigned long long>(world.seed()));
  const mjModel* m = world.model();
  const mjData* d = world.data();
  // MuJoCo's peak use of its fixed buffers: how close the run came to "raise <size ...>".
  std::printf("  buffers     contacts %d of %d, constraint rows %d of %d, stack %.0f of %.0f KiB\n",
              d->maxuse_con, m->nconmax, d->maxuse_efc, m->njmax,
              std::ceil(d->maxuse_stack * sizeof(mjtNum) / 1024.0),
              d->nstack * sizeof(mjtNum) / 1024.0);
  PrintAnomalies(world, stdout);
  if (site.autopilot) std::printf("  autopilot   %s\n", site.autopilot->Status().c_str());
  if (site.flows) {
    for (const sim::SpawnerStats& s : site.flows->spawners()) {
      std::printf("  spawner     %s: %lld spawned, %lld delayed, %lld dropped (pool exhausted)\n",
                  s.name.c_str(), static_cast<long long>(s.spawned),
                  static_cast<long long>(s.delayed), static_cast<long long>(s.exhausted));
    }
    for (const sim::SinkStats& s : site.flows->sinks()) {
      std::printf("  sink        %s: %lld removed (%.1f per minute)\n", s.name.c_str(),
                  static_cast<long long>(s.removed),
                  done * dt > 0 ? 60.0 * s.removed / (done * dt) : 0.0);
    }
  }
  if (world.divergence_resets() > 0) {
    std::printf("  resets      %lld (after divergence)\n",
                static_cast<long long>(world.divergence_resets()));
  }
  if (world.diverged()) {
    std::fprintf(stderr,
                 "twin run: %s diverged at step %lld (t = %.4f s) and was stopped; see the "
                 "warning above. Use --on-divergence reset to keep going.\n",
                 opt.scene.c_str(), static_cast<long long>(world.step_count()), world.time());
    return kExitDiverged;
  }
  return kExitOk;
}

}  // namespace

void AddRunVerb(CLI::App& app, int* exit_code) {
  auto opt = std::make_shared<RunOptions>();
  CLI::App* verb = app.add_subcommand("run",
                                      "Run the physics of a scene headless and report speed "
                                      "and warnings");
  verb->add_option("scene", opt->scene,
                   "Scene file: a twin layout (.yaml), MuJoCo MJCF (.xml) or URDF (.urdf)")
      ->required();
  verb->add_option("--duration", opt->duration, "Simulated seconds to run")
      ->check(PositiveNumber("a duration in seconds, e.g. --duration 10"))
      ->capture_default_str();
  verb->add_flag("--realtime", opt->realtime, "Pace the simulation to the wall clock");
  verb->add_flag("--no-autopilot", opt->no_autopilot,
                 "Do not start the layout's autopilot (its scripted site logic)");
  verb->add_option_function<uint64_t>(
      "--seed", [opt](const uint64_t& seed) { opt->seed = seed; },
      "Seed of every random choice (same seed, same bits); default: the layout's, else fixed");
  const std::map<std::string, sim::DivergencePolicy> policies{
      {"stop", sim::DivergencePolicy::kStop}, {"reset", sim::DivergencePolicy::kReset}};
  verb->add_option("--on-divergence", opt->on_divergence,
                   "What to do when the simulation diverges: stop (exit 3) or reset and go on")
      ->transform(CLI::CheckedTransformer(policies, CLI::ignore_case))
      ->default_str("stop");
  verb->callback([opt, exit_code] { *exit_code = Run(*opt); });
}

}  // namespace twin::tools
