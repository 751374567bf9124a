// A small fixed-size thread pool: tasks run in submission order on `threads` workers; each
// task's result (or exception) comes back through its future.
//
//   twin::datagen::ThreadPool pool(4);
//   std::future<std::string> hash = pool.Submit([&] { return Sha256File(path); });
//   pool.Wait();          // every task submitted so far has finished
//   hash.get();           // rethrows what the task threw
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

#include <twin/base/error.h>

namespace twin::datagen {

class ThreadPool {
 public:
  /// `threads` >= 1.
  explicit ThreadPool(int threads) {
    TWIN_DEMAND(threads >= 1);
    for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { Work(); });
  }

  /// Finishes the queued tasks, then joins the workers.
  ~ThreadPool() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (std::thread& worker : workers_) worker.join();
  }

  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return static_cast<int>(workers_.size()); }

  template <class F>
  std::future<std::invoke_result_t<F>> Submit(F task) {
    using Result = std::invoke_result_t<F>;
    // packaged_task is move-only and std::function needs copies: share it.
    auto packaged = std::make_shared<std::packaged_task<Result()>>(std::move(task));
    std::future<Result> future = packaged->get_future();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      queue_.emplace_back([packaged] { (*packaged)(); });
      ++pending_;
    }
    wake_.notify_one();
    return future;
  }

  /// Blocks until every task submitted so far has run.
  void Wait() {
    std::unique_lock<std::mutex> lock(mutex_);
    idle_.wait(lock, [this] { return pending_ == 0; });
  }

 private:
  void Work() {
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping, nothing left
        task = std::move(queue_.front());
        queue_.pop_front();
      }
      task();  // a packaged_task: exceptions land in its future
      {
        std::lock_guard<std::mutex> lock(mutex_);
        --pending_;
      }
      idle_.notify_all();
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_, idle_;
  std::deque<std::function<void()>> queue_;
  int pending_ = 0;  ///< submitted, not yet finished
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace twin::datagen
