#include <twin/bridge/command_watchdog.h>

#include <catch2/catch.hpp>

using twin::bridge::CommandWatchdog;
using Kind = twin::bridge::WatchdogEvent::Kind;

TEST_CASE("the command watchdog stops a robot whose commands stop and resumes it when they return",
          "[bridge][watchdog]") {
  CommandWatchdog dog;
  dog.Watch("amr1", 0.5);
  dog.Watch("amr2", 0.2);
  // Never commanded: not watched yet (the autopilot may be driving it).
  CHECK(dog.Check(10.0).empty());

  dog.Fed("amr1", 10.0);
  dog.Fed("amr2", 10.0);
  CHECK(dog.Check(10.2).empty());  // amr2 at exactly its timeout: still fine
  auto events = dog.Check(10.25);
  REQUIRE(events.size() == 1);
  CHECK(events[0].robot == "amr2");
  CHECK(events[0].kind == Kind::kStopped);
  CHECK(events[0].silence == Approx(0.25));
  CHECK(dog.stopped("amr2"));
  CHECK(dog.Check(10.3).empty());  // reported once

  dog.Fed("amr1", 10.4);  // amr1 keeps talking
  CHECK(dog.Check(10.8).empty());
  CHECK_FALSE(dog.stopped("amr1"));

  dog.Fed("amr1", 10.9);
  CHECK(dog.Fed("amr2", 11.0));
  CHECK_FALSE(dog.stopped("amr2"));
  events = dog.Check(11.0);
  REQUIRE(events.size() == 1);
  CHECK(events[0].kind == Kind::kResumed);
  CHECK(events[0].robot == "amr2");

  // A reset sends time back: nobody is watched until it is commanded again.
  dog.Rearm();
  CHECK(dog.Check(0.0).empty());
  CHECK(dog.Check(100.0).empty());
  CHECK_FALSE(dog.Fed("crane", 1.0));  // not a watched robot
  CHECK_FALSE(dog.watches("crane"));
}

TEST_CASE("the command watchdog refuses a timeout that is not a positive number",
          "[bridge][watchdog]") {
  CommandWatchdog dog;
  for (double bad : {0.0, -0.5, std::nan(""), HUGE_VAL})
    CHECK_THROWS_WITH(dog.Watch("amr1", bad),
                      Catch::Contains("amr1") && Catch::Contains("positive"));
}
