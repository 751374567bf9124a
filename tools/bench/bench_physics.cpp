// twin bench physics: the cost of World over raw MuJoCo, measured in one run on one model.
//
// Three loops step the same model from the same initial state for the same number of steps:
// a raw mj_step loop (the baseline), World::Step(N) in one call, and World::Step(1) N times (how a
// controller steps). Each round runs the three in another order (rotated by one per round) and the
// median of each is reported, so a slow moment of the machine hits all three alike. Every loop must
// take all its steps without diverging: a diverging model is an error (exit 3), since a World that
// stops early would look faster. MuJoCo's own mujoco-testspeed runs too, when it is installed, as
// an outside reference.
#include <twin/base/error.h>
#include <twin/base/suggest.h>
#include <twin/scenes/scene.h>
#include <twin/sim/world.h>

#include "../twin/verbs.h"
#include "bench.h"
#include "child_process.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

namespace twin::tools {
namespace {

constexpr const char* kDefaultModel = "/usr/share/mujoco/model/humanoid/humanoid.xml";

template <typename F>
double Seconds(F&& work) {
  const auto start = std::chrono::steady_clock::now();
  work();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

constexpr const char* kTestspeed = "/usr/bin/mujoco-testspeed";

// Steps per second reported by `mujoco-testspeed MODEL STEPS 1 0`, if it ran.
std::optional<double> MujocoTestspeed(const std::string& model, int64_t steps) {
  const char* tool = kTestspeed;
  const std::string log = (std::filesystem::temp_directory_path() /
                           ("twin-bench-testspeed-" + std::to_string(getpid()) + ".log"))
                              .string();
  RunChild({{tool, model, std::to_string(steps), "1", "0"}, {}, log, log});
  const std::string output = ReadTextFile(log);
  std::filesystem::remove(log);
  std::smatch match;
  if (std::regex_search(output, match, std::regex(R"(Steps per second\s*:\s*([0-9.]+))"))) {
    return std::stod(match[1]);
  }
  return std::nullopt;
}

// Why the raw loop's state is not trustworthy (MuJoCo's bad-state warnings, NaN/Inf), or "".
std::string RawDivergence(const mjModel* m, const mjData* d) {
  for (int w : {mjWARN_BADQPOS, mjWARN_BADQVEL, mjWARN_BADQACC, mjWARN_BADCTRL})
    if (d->warning[w].number > 0)
      return std::string("MuJoCo: ") + mju_warningText(w, d->warning[w].lastinfo);
  for (int i = 0; i < m->nq; ++i)
    if (!std::isfinite(d->qpos[i])) return "NaN/Inf in qpos[" + std::to_string(i) + "]";
  for (int i = 0; i < m->nv; ++i)
    if (!std::isfinite(d->qvel[i])) return "NaN/Inf in qvel[" + std::to_string(i) + "]";
  return "";
}

// Why a World stopped or is not trustworthy: its first divergence anomaly.
std::string WorldDivergence(const sim::World& world) {
  for (const sim::Anomaly& a : world.anomalies())
    if (sim::IsDivergence(a.kind)) return a.message;
  return world.diverged() ? "the World stopped" : "";
}

// One timed loop: from a reset state, `run` takes the steps and returns why it diverged ("" if
// it did not).
struct Loop {
  const char* name;
  std::function<void()> reset;
  std::function<int64_t()> run;  ///< returns the steps taken
  std::function<std::string()> divergence;
  std::vector<double> seconds;
};

std::string CpuName() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  }
  return "unknown CPU";
}

}  // namespace

int BenchPhysics(const BenchPhysicsOptions& opt) {
  const std::string model_path = opt.model.empty() ? kDefaultModel : opt.model;
  if (opt.model.empty() && !std::filesystem::exists(model_path)) {
    throw base::Error(model_path +
                      ": MuJoCo's sample models are missing; run tools/setup (it installs "
                      "libmujoco-samples) or pass --model FILE");
  }
  sim::WorldOptions options;
  options.log = [](const std::string&) {};  // anomalies are counted and printed below
  // Layouts too: the World's cost is measured without the site's behaviours.
  sim::World world = sim::World::FromScene(scenes::LoadScene(model_path), options);
  const mjModel* m = world.model();
  mjData* raw = mj_makeData(m);
  if (!raw) throw base::Error(model_path + ": MuJoCo could not allocate the simulation data");

  std::printf("twin bench physics: %s\n", model_path.c_str());
  std::printf("  %lld steps per loop, %d rounds (median), timestep %g s, %d dofs\n",
              static_cast<long long>(opt.steps), opt.repeats, m->opt.timestep, m->nv);
  std::fflush(stdout);

  std::vector<Loop> loops;
  loops.push_back({"raw mj_step loop",
                   [&] { mj_resetData(m, raw); },
                   [&] {
                     for (int64_t i = 0; i < opt.steps; ++i) mj_step(m, raw);
                     return opt.steps;
                   },
                   [&] { return RawDivergence(m, raw); },
                   {}});
  loops.push_back({"World::Step(N)",
                   [&] { world.Reset(); },
                   [&] { return world.Step(opt.steps); },
                   [&] { return WorldDivergence(world); },
                   {}});
  loops.push_back({"World::Step(1) x N",
                   [&] { world.Reset(); },
                   [&] {
                     int64_t taken = 0;
                     for (int64_t i = 0; i < opt.steps; ++i) taken += world.Step(1);
                     return taken;
                   },
                   [&] { return WorldDivergence(world); },
                   {}});
  std::vector<std::string> orders;
  for (int round = 0; round < opt.repeats; ++round) {
    std::vector<std::string> order;
    for (size_t j = 0; j < loops.size(); ++j) {
      Loop& loop = loops[(round + j) % loops.size()];
      loop.reset();
      int64_t taken = 0;
      loop.seconds.push_back(Seconds([&] { taken = loop.run(); }));
      const std::string why = loop.divergence();
      if (taken != opt.steps || !why.empty()) {
        mj_deleteData(raw);
        std::fprintf(
            stderr,
            "twin bench physics: %s diverged while timing '%s' (%lld of %lld steps taken): "
            "%s\nA diverging model cannot be timed; fix it (twin check shows where) or "
            "pass another --model.\n",
            model_path.c_str(), loop.name, static_cast<long long>(taken),
            static_cast<long long>(opt.steps), why.empty() ? "it stopped early" : why.c_str());
        return kExitDiverged;
      }
      order.push_back(loop.name);
    }
    orders.push_back(base::JoinNames(order));
  }
  mj_deleteData(raw);

  const double n = static_cast<double>(opt.steps);
  const double raw_t = Median(loops[0].seconds);
  std::printf("  %-28s %10s %12s  %s\n", "loop", "steps/s", "median time", "vs raw mj_step");
  for (size_t i = 0; i < loops.size(); ++i) {
    const double t = Median(loops[i].seconds);
    if (i == 0)
      std::printf("  %-28s %10.0f %10.6f s  1.000x (baseline)\n", loops[i].name, n / t, t);
    else
      std::printf("  %-28s %10.0f %10.6f s  %.3fx the time of raw\n", loops[i].name, n / t, t,
                  t / raw_t);
  }
  for (size_t r = 0; r < orders.size(); ++r)
    std::printf("  round %-5zu %s\n", r + 1, orders[r].c_str());
  if (!std::filesystem::exists(kTestspeed)) {
    std::printf("  %-28s not installed (apt-get install libmujoco-samples)\n", "mujoco-testspeed");
  } else if (std::optional<double> testspeed = MujocoTestspeed(model_path, opt.steps)) {
    std::printf("  %-28s %10.0f steps/s  (MuJoCo's own tool, ctrl noise 0)\n", "mujoco-testspeed",
                *testspeed);
  } else {
    std::printf("  %-28s did not run on this model (it reads MJCF and URDF only)\n",
                "mujoco-testspeed");
  }
  const double worst = std::max(Median(loops[1].seconds), Median(loops[2].seconds)) / raw_t;
  std::printf("  goal        World <= 1.05x raw mj_step: %s (worst %.3fx)\n",
              worst <= 1.05 ? "met" : "NOT met", worst);

  char date[32];
  const std::time_t now = std::time(nullptr);
  std::strftime(date, sizeof(date), "%Y-%m-%d", std::gmtime(&now));
  std::printf("  machine     %s, %u hardware threads; %s\n", CpuName().c_str(),
              std::thread::hardware_concurrency(), date);
  return 0;
}

}  // namespace twin::tools
