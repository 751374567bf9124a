// The Vulkan instance and device every renderer of a process shares.
//
// Device choice: a discrete GPU, then an integrated one, then anything else, then a CPU device
// (Mesa's lavapipe), so the same program runs on a workstation and headless in CI. `device`
// picks one by index or by a substring of its name. Validation layers are on when asked for (or
// when TWIN_VALIDATION=1); every validation message is counted so tests can fail on any, and
// with TWIN_VALIDATION=1 each is also printed to stderr (the twin CLI then exits 4).
//
// Threads: a Context and every renderer made on it are used by one thread at a time. It has one
// queue and one command pool, from which every Renderer and LidarRenderer allocates and records
// its command buffers; Vulkan wants both externally synchronised, and nothing here locks them. A
// mutex around SubmitAndWait or vkQueueSubmit alone would not be enough (recording into a buffer
// of the pool, in Renderer::Submit, needs the pool too), and a lock held across a frame's
// recording would serialise two threads' frames anyway, so a program that renders off its main
// thread moves all of a context's rendering there: `twin hil` renders its cameras and lidars on
// one render thread in realtime mode (bridge/src/hil_render_thread.h), and on the simulation
// thread otherwise, never on both at once.
#pragma once

#include <vulkan/vulkan.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace twin::render {

struct ContextOptions {
  std::string device;       ///< "" = best; else an index ("1") or part of a name ("llvmpipe")
  bool validation = false;  ///< also on when the environment has TWIN_VALIDATION=1
};

struct DeviceInfo {
  int index = 0;
  std::string name;
  std::string type;  ///< "discrete GPU", "integrated GPU", "virtual GPU", "CPU", "other"
  uint32_t api_version = 0;
};

/// Validation messages reported to any Context of this process so far.
int ValidationMessagesInProcess();

class Context {
 public:
  explicit Context(const ContextOptions& options = {});
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  /// Every Vulkan device of this machine (throws twin::base::Error when Vulkan has none).
  static std::vector<DeviceInfo> ListDevices();

  VkInstance instance() const { return instance_; }
  VkPhysicalDevice physical_device() const { return physical_; }
  VkDevice device() const { return device_; }
  VkQueue queue() const { return queue_; }
  uint32_t queue_family() const { return queue_family_; }
  VkCommandPool command_pool() const { return command_pool_; }
  const DeviceInfo& device_info() const { return info_; }
  /// "llvmpipe (LLVM 15.0.6, 256 bits) (CPU, Vulkan 1.3.230)"
  std::string Describe() const;
  uint32_t max_image_dimension() const { return max_image_dimension_; }
  bool validation_enabled() const { return validation_; }

  /// Warnings and errors the validation layers reported so far.
  int validation_messages() const;
  std::vector<std::string> validation_log() const;

  /// A memory type with `properties` among `type_bits`; throws when there is none.
  uint32_t FindMemoryType(uint32_t type_bits, VkMemoryPropertyFlags properties) const;

  /// Records commands into a one-time command buffer, submits and waits.
  template <typename Record>
  void SubmitAndWait(Record record) {
    VkCommandBuffer cmd = BeginOneTime();
    record(cmd);
    EndOneTimeAndWait(cmd);
  }
  VkCommandBuffer BeginOneTime();
  void EndOneTimeAndWait(VkCommandBuffer cmd);

  // Called by the debug messenger.
  void OnValidationMessage(const std::string& message);

 private:
  void Release();

  VkInstance instance_ = VK_NULL_HANDLE;
  VkDebugUtilsMessengerEXT messenger_ = VK_NULL_HANDLE;
  VkPhysicalDevice physical_ = VK_NULL_HANDLE;
  VkDevice device_ = VK_NULL_HANDLE;
  VkQueue queue_ = VK_NULL_HANDLE;
  uint32_t queue_family_ = 0;
  VkCommandPool command_pool_ = VK_NULL_HANDLE;
  DeviceInfo info_;
  uint32_t max_image_dimension_ = 0;
  bool validation_ = false;
  bool print_validation_ = false;  // TWIN_VALIDATION=1: messages also go to stderr
  mutable std::mutex log_mutex_;
  std::vector<std::string> log_;
};

}  // namespace twin::render
