#include "hil_render_thread.h"

#include <twin/base/error.h>

#include <algorithm>

namespace twin::bridge {

RenderSnapshot::RenderSnapshot(const mjModel* m) : data_(mj_makeData(m)) {
  if (!data_) throw base::Error("could not allocate a mjData for rendering off the sim thread");
}

void RenderSnapshot::Take(const mjModel* m, const mjData& d, double time) {
  mjData& s = *data_;
  auto copy = [](mjtNum* to, const mjtNum* from, int n) { std::copy(from, from + n, to); };
  copy(s.geom_xpos, d.geom_xpos, 3 * m->ngeom);
  copy(s.geom_xmat, d.geom_xmat, 9 * m->ngeom);
  copy(s.cam_xpos, d.cam_xpos, 3 * m->ncam);
  copy(s.cam_xmat, d.cam_xmat, 9 * m->ncam);
  copy(s.light_xpos, d.light_xpos, 3 * m->nlight);
  copy(s.light_xdir, d.light_xdir, 3 * m->nlight);
  copy(s.site_xpos, d.site_xpos, 3 * m->nsite);
  copy(s.site_xmat, d.site_xmat, 9 * m->nsite);
  s.time = time;
}

RenderThread::RenderThread() : thread_([this] { Loop(); }) {}

RenderThread::~RenderThread() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

bool RenderThread::Busy(int key) const {
  std::lock_guard lock(mutex_);
  return busy_.count(key) > 0;
}

void RenderThread::Post(int key, std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    RethrowFailure();
    busy_.insert(key);
    queue_.emplace_back(key, std::move(job));
  }
  wake_.notify_one();
}

void RenderThread::Drain() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [this] { return busy_.empty(); });
  RethrowFailure();
}

void RenderThread::RethrowFailure() {
  if (!failure_) return;
  std::exception_ptr failure = std::exchange(failure_, nullptr);
  std::rethrow_exception(failure);
}

void RenderThread::Loop() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (stop_) break;
    auto [key, job] = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    std::exception_ptr failure;
    try {
      job();
    } catch (...) {
      failure = std::current_exception();
    }
    lock.lock();
    if (failure && !failure_) failure_ = failure;
    busy_.erase(key);
    idle_.notify_all();
  }
  queue_.clear();
  busy_.clear();
  idle_.notify_all();
}

}  // namespace twin::bridge
