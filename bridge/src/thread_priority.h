// CPU priority of threads (Linux nice values, which are per thread). In realtime mode twin hil
// renders in the background: the threads the Vulkan device starts (lavapipe's rasterizer workers,
// one per core) run at a lower priority than the simulation, the render thread that publishes,
// the transport's threads and the processes that receive what twin publishes, so that on a
// machine with few cores a frame being drawn delays neither a step nor a message.
#pragma once

#include <sys/types.h>

#include <set>

namespace twin::bridge {

/// How much lower than normal the render threads run in realtime mode (nice +10: about a tenth of
/// a core's share against a normal thread that wants it, all of it when nothing else does).
inline constexpr int kRenderNiceIncrement = 10;

/// The ids of this process's threads now (/proc/self/task).
std::set<pid_t> ThreadsOfProcess();

/// Raises the nice value of each thread by `increment` (at most to 19; lowering priority needs
/// no privilege). Returns how many threads changed; a thread that has exited is skipped.
int LowerThreadPriority(const std::set<pid_t>& threads, int increment);

/// The calling thread's id.
pid_t CurrentThreadId();

}  // namespace twin::bridge
