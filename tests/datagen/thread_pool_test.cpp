#include <twin/datagen/thread_pool.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <set>
#include <stdexcept>
#include <thread>

using twin::datagen::ThreadPool;

TEST_CASE("ThreadPool runs every task once and returns each result through its future",
          "[datagen][thread_pool]") {
  std::atomic<int> runs{0};
  std::set<std::thread::id> threads;
  std::mutex mutex;
  std::vector<std::future<long>> results;
  {
    ThreadPool pool(4);
    CHECK(pool.size() == 4);
    for (long i = 0; i < 200; ++i)
      results.push_back(pool.Submit([i, &runs, &threads, &mutex] {
        ++runs;
        std::this_thread::sleep_for(std::chrono::microseconds(200 * (i % 7)));
        std::lock_guard<std::mutex> lock(mutex);
        threads.insert(std::this_thread::get_id());
        return i * i;
      }));
    pool.Wait();
    CHECK(runs == 200);
  }
  for (long i = 0; i < 200; ++i) CHECK(results[i].get() == i * i);
  CHECK(threads.size() > 1);
  CHECK(threads.count(std::this_thread::get_id()) == 0);
}

TEST_CASE("An exception thrown by a task comes back through its future only",
          "[datagen][thread_pool]") {
  ThreadPool pool(2);
  auto bad = pool.Submit([]() -> int { throw std::runtime_error("task 1 failed"); });
  auto good = pool.Submit([] { return 7; });
  auto done = pool.Submit([] {});
  CHECK_THROWS_WITH(bad.get(), "task 1 failed");
  CHECK(good.get() == 7);
  done.get();
}

TEST_CASE("The destructor finishes queued tasks before joining", "[datagen][thread_pool]") {
  std::atomic<int> runs{0};
  {
    ThreadPool pool(1);
    for (int i = 0; i < 50; ++i)
      pool.Submit([&runs] {
        std::this_thread::sleep_for(std::chrono::microseconds(100));
        ++runs;
      });
  }
  CHECK(runs == 50);
}
