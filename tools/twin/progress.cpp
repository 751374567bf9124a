#include "progress.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace twin::tools {

ProgressLine::ProgressLine(std::string label, double total, std::string unit)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      total_(total),
      enabled_(isatty(STDERR_FILENO) && std::getenv("CI") == nullptr),
      start_(Clock::now()),
      last_draw_(start_) {}

ProgressLine::~ProgressLine() {
  Finish();
}

void ProgressLine::Update(double done) {
  if (!enabled_) return;
  const Clock::time_point now = Clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(250)) return;
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double rate = elapsed > 0 ? done / elapsed : 0;
  const double eta = rate > 0 ? (total_ - done) / rate : 0;
  std::fprintf(stderr, "\r\033[K%s %.1f/%.1f %s (%3.0f%%)  %.1f %s/s  ETA %.0f s", label_.c_str(),
               done, total_, unit_.c_str(), total_ > 0 ? 100.0 * done / total_ : 0.0, rate,
               unit_.c_str(), eta);
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressLine::Finish() {
  if (!drawn_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace twin::tools
