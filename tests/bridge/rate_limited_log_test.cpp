#include <twin/bridge/rate_limited_log.h>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

TEST_CASE("the rate-limited log shows one line per key per period and counts what it hid",
          "[bridge][log]") {
  std::vector<std::string> lines;
  int64_t now = 0;
  twin::bridge::RateLimitedLog log([&](const std::string& l) { lines.push_back(l); }, 1.0,
                                   [&] { return now; });
  CHECK(log.Warn("/amr1/cmd_vel linear.x", "/amr1/cmd_vel: linear.x is NaN; ignored"));
  for (int i = 0; i < 499; ++i) {  // 500 Hz of the same mistake
    now += 2'000'000;
    log.Warn("/amr1/cmd_vel linear.x", "/amr1/cmd_vel: linear.x is NaN; ignored");
  }
  CHECK(log.Warn("/arm1/joint_trajectory", "other key"));  // keys are limited apart
  CHECK(lines.size() == 2);
  CHECK(log.suppressed("/amr1/cmd_vel linear.x") == 499);
  now += 2'000'000;  // one second after the first line
  CHECK(log.Warn("/amr1/cmd_vel linear.x", "/amr1/cmd_vel: linear.x is NaN; ignored"));
  REQUIRE(lines.size() == 3);
  CHECK(lines[2] ==
        "/amr1/cmd_vel: linear.x is NaN; ignored (499 more like it since the last "
        "report)");
  CHECK(log.suppressed("/amr1/cmd_vel linear.x") == 0);
  CHECK(log.total() == 502);
}
