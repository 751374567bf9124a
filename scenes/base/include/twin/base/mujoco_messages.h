// MuJoCo reports errors and warnings through two global function pointers; its default error
// handler exits the process and its default warning handler appends to MUJOCO_LOG.TXT in the
// working directory. twin installs its own handlers (InstallMujocoHandlers, called by every World)
// so that (in twin_base, below every module that calls MuJoCo):
//  - a MuJoCo error becomes a twin::base::Error exception (no model can kill the process);
//  - a MuJoCo warning is routed to the World whose call raised it (see World::warnings()), or
//    printed as one line on stderr when it comes from outside any World;
//  - an observer (used by the test listener) sees every warning text.
#pragma once

#include <string>

namespace twin::base {

/// Installs twin's MuJoCo error and warning handlers. Idempotent and thread-safe.
void InstallMujocoHandlers();

/// Called with the text of every MuJoCo warning, wherever it comes from. nullptr removes it.
using MujocoWarningObserver = void (*)(const char* text);
void SetMujocoWarningObserver(MujocoWarningObserver observer);

/// While alive, MuJoCo warnings raised on this thread are appended to `sink` (one per line)
/// instead of being printed. Nests; the innermost scope wins.
class MujocoWarningCapture {
 public:
  explicit MujocoWarningCapture(std::string* sink);
  ~MujocoWarningCapture();
  MujocoWarningCapture(const MujocoWarningCapture&) = delete;
  MujocoWarningCapture& operator=(const MujocoWarningCapture&) = delete;

 private:
  std::string* previous_;
};

}  // namespace twin::base
