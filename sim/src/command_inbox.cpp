#include <twin/sim/command_inbox.h>

#include <utility>

namespace twin::sim {

void CommandInbox::Post(WorldCommand command) {
  std::lock_guard<std::mutex> lock(mutex_);
  queue_.push_back(std::move(command));
  pending_.store(queue_.size(), std::memory_order_release);
}

std::vector<WorldCommand> CommandInbox::TakeAll() {
  std::vector<WorldCommand> taken;
  std::lock_guard<std::mutex> lock(mutex_);
  taken.swap(queue_);
  pending_.store(0, std::memory_order_release);
  return taken;
}

}  // namespace twin::sim
