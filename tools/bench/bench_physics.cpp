// twin bench physics: the cost of World over raw MuJoCo, measured in one run on one model.
//
// Three loops step the same model from the same initial state for the same number of steps:
// a raw mj_step loop (the baseline), World::Step(N) in one call, and World::Step(1) N times (how a
// controller steps). Rounds alternate between the loops and the median of each is reported, so a
// slow moment of the machine hits all three alike. MuJoCo's own mujoco-testspeed runs too, when it
// is installed, as an outside reference.
#include <twin/scenes/error.h>
#include <twin/scenes/scene.h>
#include <twin/sim/world.h>

#include "bench.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
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

std::string ShellQuoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += (c == '\'') ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Steps per second reported by `mujoco-testspeed MODEL STEPS 1 0`, if the tool is installed.
std::optional<double> MujocoTestspeed(const std::string& model, int64_t steps) {
  const char* tool = "/usr/bin/mujoco-testspeed";
  if (!std::filesystem::exists(tool)) return std::nullopt;
  const std::string command =
      std::string(tool) + " " + ShellQuoted(model) + " " + std::to_string(steps) + " 1 0 2>&1";
  std::FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return std::nullopt;
  std::string output;
  char buffer[512];
  while (std::fgets(buffer, sizeof(buffer), pipe)) output += buffer;
  pclose(pipe);
  std::smatch match;
  if (std::regex_search(output, match, std::regex(R"(Steps per second\s*:\s*([0-9.]+))"))) {
    return std::stod(match[1]);
  }
  return std::nullopt;
}

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
    throw Error(model_path +
                ": MuJoCo's sample models are missing; run tools/setup (it installs "
                "libmujoco-samples) or pass --model FILE");
  }
  sim::WorldOptions options;
  options.log = [](const std::string&) {};  // anomalies are counted and printed below
  // Layouts too: the World's cost is measured without the site's behaviours.
  sim::World world = sim::World::FromScene(scenes::LoadScene(model_path), options);
  const mjModel* m = world.model();
  mjData* raw = mj_makeData(m);
  if (!raw) throw Error(model_path + ": MuJoCo could not allocate the simulation data");

  std::printf("twin bench physics: %s\n", model_path.c_str());
  std::printf("  %lld steps per loop, %d rounds (median), timestep %g s, %d dofs\n",
              static_cast<long long>(opt.steps), opt.repeats, m->opt.timestep, m->nv);
  std::fflush(stdout);

  std::vector<double> raw_s, batch_s, single_s;
  for (int round = 0; round < opt.repeats; ++round) {
    mj_resetData(m, raw);
    raw_s.push_back(Seconds([&] {
      for (int64_t i = 0; i < opt.steps; ++i) mj_step(m, raw);
    }));
    world.Reset();
    batch_s.push_back(Seconds([&] { world.Step(opt.steps); }));
    world.Reset();
    single_s.push_back(Seconds([&] {
      for (int64_t i = 0; i < opt.steps; ++i) world.Step(1);
    }));
  }
  mj_deleteData(raw);

  const double raw_t = Median(raw_s), batch_t = Median(batch_s), single_t = Median(single_s);
  const double n = static_cast<double>(opt.steps);
  std::printf("  %-28s %10.0f steps/s   1.000x (baseline)\n", "raw mj_step loop", n / raw_t);
  std::printf("  %-28s %10.0f steps/s   %.3fx the time of raw\n", "World::Step(N)", n / batch_t,
              batch_t / raw_t);
  std::printf("  %-28s %10.0f steps/s   %.3fx the time of raw\n", "World::Step(1) x N",
              n / single_t, single_t / raw_t);
  if (std::optional<double> testspeed = MujocoTestspeed(model_path, opt.steps)) {
    std::printf("  %-28s %10.0f steps/s   (MuJoCo's own tool, ctrl noise 0)\n", "mujoco-testspeed",
                *testspeed);
  } else {
    std::printf("  %-28s not installed (apt-get install libmujoco-samples)\n", "mujoco-testspeed");
  }
  const double worst = std::max(batch_t, single_t) / raw_t;
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
