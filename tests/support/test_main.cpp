// Catch2's main plus the listener that turns unexpected MuJoCo warnings into test failures.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include <twin/base/mujoco_messages.h>

#include "mujoco_warnings.h"

namespace twin::testing {
namespace {

ExpectMujocoWarnings* g_expecting = nullptr;
}  // namespace

struct ExpectedWarningSink {
  static void OnMujocoWarning(const char* text) {
    if (g_expecting) {
      g_expecting->texts_.emplace_back(text);
      return;
    }
    FAIL_CHECK("unexpected MuJoCo warning: " << text);
  }
};

namespace {
struct MujocoWarningListener : Catch::TestEventListenerBase {
  using TestEventListenerBase::TestEventListenerBase;
  void testRunStarting(Catch::TestRunInfo const& info) override {
    TestEventListenerBase::testRunStarting(info);
    base::InstallMujocoHandlers();
    base::SetMujocoWarningObserver(&ExpectedWarningSink::OnMujocoWarning);
  }
};
CATCH_REGISTER_LISTENER(MujocoWarningListener)

}  // namespace

ExpectMujocoWarnings::ExpectMujocoWarnings() : outer_(g_expecting) {
  g_expecting = this;
}
ExpectMujocoWarnings::~ExpectMujocoWarnings() {
  g_expecting = outer_;
}

}  // namespace twin::testing
