// A thread-safe queue of commands for a World: threads that must not touch mjData (network
// threads of the ROS bridge) post work here, and the World runs it on its own thread at the start
// of its next step (or when asked, World::RunCommands), in posting order.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <mutex>
#include <vector>

namespace twin::sim {

class World;

/// Work to run on the simulation thread, with the world it belongs to.
using WorldCommand = std::function<void(World& world)>;

class CommandInbox {
 public:
  /// Queues `command`; safe from any thread. Commands run in the order their Post calls took the
  /// queue's lock (for one thread: the order it posted them).
  void Post(WorldCommand command);
  /// Everything posted so far, oldest first, leaving the queue empty. The World's thread only.
  std::vector<WorldCommand> TakeAll();
  /// Commands waiting (a hint: other threads may post meanwhile). Lock-free.
  size_t pending() const { return pending_.load(std::memory_order_acquire); }

 private:
  mutable std::mutex mutex_;
  std::vector<WorldCommand> queue_;
  std::atomic<size_t> pending_{0};
};

}  // namespace twin::sim
