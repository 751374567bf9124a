// Every test binary links a Catch2 listener that fails the running test when MuJoCo raises a
// warning it did not expect (after MuJoCo's own test fixture). A test that provokes warnings on
// purpose declares it with an ExpectMujocoWarnings scope and can then inspect what was raised.
#pragma once

#include <string>
#include <vector>

namespace twin::testing {

class ExpectMujocoWarnings {
 public:
  ExpectMujocoWarnings();
  ~ExpectMujocoWarnings();
  ExpectMujocoWarnings(const ExpectMujocoWarnings&) = delete;
  ExpectMujocoWarnings& operator=(const ExpectMujocoWarnings&) = delete;

  /// The warning texts raised while this scope was alive.
  const std::vector<std::string>& texts() const { return texts_; }

 private:
  friend struct ExpectedWarningSink;
  std::vector<std::string> texts_;
  ExpectMujocoWarnings* outer_;
};

}  // namespace twin::testing
