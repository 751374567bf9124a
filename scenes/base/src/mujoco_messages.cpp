#include <twin/base/error.h>
#include <twin/base/mujoco_messages.h>

#include <mujoco/mujoco.h>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>

namespace twin::base {
namespace {

thread_local std::string* t_warning_sink = nullptr;
std::atomic<MujocoWarningObserver> g_observer{nullptr};

std::string Trimmed(const char* text) {
  std::string s = text ? text : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// MuJoCo calls this and expects it not to return; throwing unwinds through MuJoCo's C frames
// (Debian builds them with unwind tables), back to the World call that entered MuJoCo.
void OnMujocoError(const char* text) {
  throw Error("MuJoCo error: " + Trimmed(text));
}

void OnMujocoWarning(const char* text) {
  const std::string message = Trimmed(text);
  if (MujocoWarningObserver observer = g_observer.load()) observer(message.c_str());
  if (t_warning_sink) {
    *t_warning_sink += message;
    *t_warning_sink += '\n';
  } else {
    std::fprintf(stderr, "twin: MuJoCo warning: %s\n", message.c_str());
  }
}

}  // namespace

void InstallMujocoHandlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    mju_user_error = OnMujocoError;
    mju_user_warning = OnMujocoWarning;
  });
}

void SetMujocoWarningObserver(MujocoWarningObserver observer) {
  g_observer.store(observer);
}

MujocoWarningCapture::MujocoWarningCapture(std::string* sink) : previous_(t_warning_sink) {
  t_warning_sink = sink;
}

MujocoWarningCapture::~MujocoWarningCapture() {
  t_warning_sink = previous_;
}

}  // namespace twin::base
