// World's removable hooks and its command inbox: removal by handle and by name, removal and
// addition from inside a running hook, and commands posted from many threads running on the
// simulation thread at the start of the next step, in posting order.
#include <twin/base/error.h>
#include <twin/sim/world.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using twin::sim::HookHandle;
using twin::sim::World;

namespace {

const char* kBall = R"(<mujoco><worldbody><body name="ball" pos="0 0 1">
  <joint name="drop" type="slide" axis="0 0 1"/><geom type="sphere" size="0.1" mass="1"/>
  </body></worldbody><actuator><motor name="push" joint="drop"/></actuator></mujoco>)";

}  // namespace

TEST_CASE("Hooks are removed by handle or by name, and no longer run", "[sim][world][hooks]") {
  World world = World::FromXml(kBall);
  std::vector<std::string> ran;
  const HookHandle a =
      world.AddPreStepHook("a", [&](const mjModel&, mjData&) { ran.push_back("a"); });
  world.AddPreStepHook("b", [&](const mjModel&, mjData&) { ran.push_back("b"); });
  world.AddPostStepHook("b", [&](const mjModel&, mjData&) { ran.push_back("b post"); });
  const HookHandle c =
      world.AddPostStepHook("c", [&](const mjModel&, mjData&) { ran.push_back("c"); });
  CHECK(a.valid());
  CHECK(a.id != c.id);
  CHECK(world.HookNames() == std::vector<std::string>{"a", "b", "b", "c"});
  world.Step(1);
  CHECK(ran == std::vector<std::string>{"a", "b", "b post", "c"});

  ran.clear();
  CHECK(world.RemoveHook(a));
  CHECK_FALSE(world.RemoveHook(a));  // already gone
  CHECK_FALSE(world.RemoveHook(HookHandle{}));
  world.Step(1);
  CHECK(ran == std::vector<std::string>{"b", "b post", "c"});

  ran.clear();
  CHECK(world.RemoveHooks("b") == 2);  // its pre- and post-step hook
  CHECK(world.RemoveHooks("b") == 0);
  world.Step(1);
  CHECK(ran == std::vector<std::string>{"c"});
  CHECK(world.HookNames() == std::vector<std::string>{"c"});
}

TEST_CASE("A hook may remove itself, remove a later hook and add one, while hooks run",
          "[sim][world][hooks]") {
  World world = World::FromXml(kBall);
  std::vector<std::string> ran;
  HookHandle self, later;
  int once_runs = 0;
  self = world.AddPreStepHook("once", [&](const mjModel&, mjData&) {
    ++once_runs;
    ran.push_back("once");
    CHECK(world.RemoveHook(self));   // itself: it is destroyed after the pass, not now
    CHECK(world.RemoveHook(later));  // a later one: it does not run in this pass
    world.AddPreStepHook("added", [&](const mjModel&, mjData&) { ran.push_back("added"); });
    ran.push_back("once still alive");  // its captures are intact after removing itself
  });
  later = world.AddPreStepHook("later", [&](const mjModel&, mjData&) { ran.push_back("later"); });
  world.AddPreStepHook("last", [&](const mjModel&, mjData&) { ran.push_back("last"); });
  world.Step(1);
  CHECK(ran == std::vector<std::string>{"once", "once still alive", "last"});
  ran.clear();
  world.Step(2);
  CHECK(once_runs == 1);
  CHECK(ran == std::vector<std::string>{"last", "added", "last", "added"});
  CHECK(world.HookNames() == std::vector<std::string>{"last", "added"});
}

TEST_CASE(
    "A posted command runs on the simulation thread at the start of the next step, before "
    "the pre-step hooks",
    "[sim][world][inbox]") {
  World world = World::FromXml(kBall);
  std::vector<std::string> ran;
  world.AddPreStepHook("hook", [&](const mjModel&, mjData& d) {
    ran.push_back("hook sees ctrl " + std::to_string(int(d.ctrl[0])));
  });
  world.Post([&](World& w) {
    ran.push_back("command at step " + std::to_string(w.step_count()));
    w.SetControl(w.ActuatorId("push"), 7);
  });
  CHECK(ran.empty());  // nothing runs until the world steps
  CHECK(world.inbox()->pending() == 1);
  world.Step(1);
  CHECK(ran == std::vector<std::string>{"command at step 0", "hook sees ctrl 7"});
  CHECK(world.inbox()->pending() == 0);

  // RunCommands runs them without stepping (a paused simulation).
  world.Post([](World& w) { w.SetControl(0, 3); });
  CHECK(world.RunCommands() == 1);
  CHECK(world.data()->ctrl[0] == 3);
  CHECK(world.step_count() == 1);

  // A command that throws is logged and skipped; the next ones still run.
  std::vector<std::string> log;
  twin::sim::WorldOptions options;
  options.log = [&](const std::string& line) { log.push_back(line); };
  World logged = World::FromXml(kBall, options, "ball.xml");
  int after = 0;
  logged.Post([](World& w) { w.JointId("no_such_joint"); });
  logged.Post([&](World&) { ++after; });
  logged.Step(1);
  CHECK(after == 1);
  REQUIRE(log.size() == 1);
  CHECK_THAT(log[0], Catch::Matchers::Contains("ball.xml: step 0: a posted command failed"));
  CHECK_THAT(log[0], Catch::Matchers::Contains("no_such_joint"));
}

TEST_CASE(
    "Commands posted from many threads while the world steps all run, in posting order, "
    "on the simulation thread",
    "[sim][world][inbox]") {
  World world = World::FromXml(kBall);
  const std::thread::id sim_thread = std::this_thread::get_id();
  constexpr int kThreads = 4, kPerThread = 2000;

  // A ticket taken under the same lock as the post makes the posting order observable.
  std::mutex post_order;
  int64_t next_ticket = 0;
  std::vector<int64_t> run_tickets;                    // touched only by commands
  std::vector<std::vector<int>> per_thread(kThreads);  // sequence numbers as run, per thread
  bool off_thread = false;
  std::atomic<int> finished{0};

  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const auto inbox = world.inbox();  // threads hold the inbox, not the world
      for (int i = 0; i < kPerThread; ++i) {
        std::lock_guard<std::mutex> lock(post_order);
        const int64_t ticket = next_ticket++;
        inbox->Post([&, t, i, ticket](World& w) {
          off_thread = off_thread || std::this_thread::get_id() != sim_thread;
          run_tickets.push_back(ticket);
          per_thread[t].push_back(i);
          w.SetControl(0, double(i));  // commands act on mjData, on the simulation thread
        });
      }
      finished.fetch_add(1);
    });
  }
  int64_t steps = 0;
  while (finished.load() < kThreads) steps += world.Step(1);
  for (std::thread& thread : threads) thread.join();
  steps += world.Step(1);  // drains what came after the last step
  CHECK(steps > 0);
  CHECK_FALSE(off_thread);
  REQUIRE(run_tickets.size() == size_t(kThreads * kPerThread));
  for (size_t k = 0; k < run_tickets.size(); ++k) {
    if (run_tickets[k] != int64_t(k))
      FAIL("command " << k << " ran with ticket " << run_tickets[k]);
  }
  for (int t = 0; t < kThreads; ++t) {
    REQUIRE(per_thread[t].size() == size_t(kPerThread));
    for (int i = 0; i < kPerThread; ++i) REQUIRE(per_thread[t][i] == i);
  }
  CHECK(world.inbox()->pending() == 0);
}

TEST_CASE("The inbox moves with its world and outlives it", "[sim][world][inbox]") {
  std::shared_ptr<twin::sim::CommandInbox> inbox;
  {
    World world = World::FromXml(kBall);
    inbox = world.inbox();
    World moved = std::move(world);  // the inbox moves with the world
    CHECK(moved.inbox() == inbox);
  }
  inbox->Post([](World&) { FAIL("a destroyed world's inbox never runs"); });
  CHECK(inbox->pending() == 1);
  CHECK(inbox->TakeAll().size() == 1);
}
