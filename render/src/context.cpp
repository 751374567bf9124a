#include <twin/render/context.h>

#include <dlfcn.h>
#include <link.h>
#include <malloc.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <twin/base/error.h>

#include "vk_check.h"

namespace twin::render {
namespace {

// Mesa's CPU driver (lavapipe) mallocs and frees ~20 MB of scratch per frame on its own threads
// (800x800, humanoid). Past the trim threshold glibc gives a freed arena top back to the kernel
// (MADV_DONTNEED), so every frame faulted those pages in again, zeroed by the kernel: ~5400 minor
// faults a frame, about a tenth of the frame's CPU time. Keeping up to kKeptBytes free per arena
// lets the next frame reuse them (RSS of the 5000-frame test is unchanged). Setting the trim
// threshold turns off glibc's adaptive mmap threshold, so large blocks (frames read back) are
// served from arenas explicitly below kMmapBytes rather than by a fresh mmap each. Process-wide.
void KeepCpuDriverScratch() {
#ifdef __GLIBC__
  constexpr int kKeptBytes = 64 << 20;
  constexpr int kMmapBytes = 32 << 20;  // glibc's upper bound for M_MMAP_THRESHOLD (64-bit)
  mallopt(M_TRIM_THRESHOLD, kKeptBytes);
  mallopt(M_MMAP_THRESHOLD, kMmapBytes);
#endif
}

std::atomic<int> g_validation_messages{0};

constexpr const char* kValidationLayer = "VK_LAYER_KHRONOS_validation";
constexpr const char* kNoDeviceHelp =
    "no Vulkan device found. For rendering without a GPU install Mesa's CPU driver (lavapipe): "
    "sudo apt-get install mesa-vulkan-drivers (tools/setup does this); check with "
    "`vulkaninfo --summary`";

VKAPI_ATTR VkBool32 VKAPI_CALL OnDebugMessage(VkDebugUtilsMessageSeverityFlagBitsEXT,
                                              VkDebugUtilsMessageTypeFlagsEXT,
                                              const VkDebugUtilsMessengerCallbackDataEXT* data,
                                              void* user) {
  static_cast<Context*>(user)->OnValidationMessage(data->pMessage ? data->pMessage : "");
  return VK_FALSE;
}

std::string TypeName(VkPhysicalDeviceType type) {
  switch (type) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return "discrete GPU";
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return "integrated GPU";
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return "virtual GPU";
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return "CPU";
    default: return "other";
  }
}

// Lower is better: discrete, integrated, virtual, other, CPU.
int Preference(VkPhysicalDeviceType type) {
  switch (type) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return 0;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return 1;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return 2;
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return 4;
    default: return 3;
  }
}

bool HasLayer(const char* name) {
  uint32_t count = 0;
  vkEnumerateInstanceLayerProperties(&count, nullptr);
  std::vector<VkLayerProperties> layers(count);
  vkEnumerateInstanceLayerProperties(&count, layers.data());
  for (const auto& layer : layers)
    if (std::strcmp(layer.layerName, name) == 0) return true;
  return false;
}

// Sanitizer builds only: the Vulkan loader unloads drivers and layers when the instance goes,
// after which LeakSanitizer reports their allocations as from "<unknown module>" and no
// suppression can name them. Pinning keeps the names (tests/support/lsan.supp lists them). It
// runs as soon as an instance exists, on every path: an instance destroyed on an error path (an
// unknown --device) unloads its drivers just the same. Every driver and layer the loader mapped
// is pinned, whichever ICDs this machine has.
void PinDriversForLeakSanitizer() {
#if defined(__SANITIZE_ADDRESS__)
  std::vector<std::string> loaded;
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* out) {
        const std::string path = info->dlpi_name ? info->dlpi_name : "";
        const std::string file = path.substr(path.find_last_of('/') + 1);
        if (file.rfind("libvulkan_", 0) == 0 || file.rfind("libVkLayer_", 0) == 0)
          static_cast<std::vector<std::string>*>(out)->push_back(path);
        return 0;
      },
      &loaded);
  for (const std::string& library : loaded)
    dlopen(library.c_str(), RTLD_LAZY | RTLD_NOLOAD | RTLD_NODELETE);
#endif
}

VkInstance CreateInstance(bool validation) {
  VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
  app.pApplicationName = "twin";
  app.pEngineName = "twin";
  app.apiVersion = VK_API_VERSION_1_2;
  VkInstanceCreateInfo info{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
  info.pApplicationInfo = &app;
  const char* extension = VK_EXT_DEBUG_UTILS_EXTENSION_NAME;
  if (validation) {
    info.enabledLayerCount = 1;
    info.ppEnabledLayerNames = &kValidationLayer;
    info.enabledExtensionCount = 1;
    info.ppEnabledExtensionNames = &extension;
  }
  VkInstance instance = VK_NULL_HANDLE;
  const VkResult result = vkCreateInstance(&info, nullptr, &instance);
  if (result == VK_ERROR_INCOMPATIBLE_DRIVER) throw base::Error(kNoDeviceHelp);
  if (result != VK_SUCCESS) ThrowVkError("vkCreateInstance", result);
  PinDriversForLeakSanitizer();
  return instance;
}

std::vector<VkPhysicalDevice> PhysicalDevices(VkInstance instance) {
  uint32_t count = 0;
  VK_CHECK(vkEnumeratePhysicalDevices(instance, &count, nullptr));
  std::vector<VkPhysicalDevice> devices(count);
  VK_CHECK(vkEnumeratePhysicalDevices(instance, &count, devices.data()));
  return devices;
}

DeviceInfo Describe(VkPhysicalDevice device, int index) {
  VkPhysicalDeviceProperties properties;
  vkGetPhysicalDeviceProperties(device, &properties);
  return {index, properties.deviceName, TypeName(properties.deviceType), properties.apiVersion};
}

// The device `selector` names: an index ("1") or part of a name ("llvmpipe"). Throws listing
// this machine's devices when none fits.
int ChooseDevice(const std::vector<VkPhysicalDevice>& devices, const std::string& selector) {
  const bool numeric = selector.find_first_not_of("0123456789") == std::string::npos;
  // An index is compared as text, so one of any length (99999999999999999999) is simply absent.
  const size_t nonzero = selector.find_first_not_of('0');
  const std::string index = nonzero == std::string::npos ? "0" : selector.substr(nonzero);
  std::string names;
  int chosen = -1;
  for (size_t i = 0; i < devices.size(); ++i) {
    const DeviceInfo d = twin::render::Describe(devices[i], static_cast<int>(i));
    names += "\n  " + std::to_string(i) + ": " + d.name + " (" + d.type + ")";
    const bool match =
        numeric ? index == std::to_string(i) : d.name.find(selector) != std::string::npos;
    if (chosen < 0 && match) chosen = static_cast<int>(i);
  }
  if (chosen < 0)
    throw base::Error("--device " + selector +
                      ": no such Vulkan device; this machine has:" + names);
  return chosen;
}

}  // namespace

std::vector<DeviceInfo> Context::ListDevices() {
  VkInstance instance = CreateInstance(false);
  std::vector<DeviceInfo> infos;
  const auto devices = PhysicalDevices(instance);
  for (size_t i = 0; i < devices.size(); ++i)
    infos.push_back(twin::render::Describe(devices[i], i));
  vkDestroyInstance(instance, nullptr);
  return infos;
}

int ValidationMessagesInProcess() {
  return g_validation_messages.load();
}

Context::Context(const ContextOptions& options) {
  const char* env = std::getenv("TWIN_VALIDATION");
  print_validation_ = env && std::string(env) == "1";
  validation_ = options.validation || print_validation_;
  if (validation_ && !HasLayer(kValidationLayer))
    throw base::Error(std::string("validation was asked for but ") + kValidationLayer +
                      " is not installed: sudo apt-get install vulkan-validationlayers");
  instance_ = CreateInstance(validation_);
  try {
    if (validation_) {
      auto create = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(
          vkGetInstanceProcAddr(instance_, "vkCreateDebugUtilsMessengerEXT"));
      VkDebugUtilsMessengerCreateInfoEXT info{
          VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT};
      info.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT |
                             VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
      info.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT |
                         VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                         VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
      info.pfnUserCallback = OnDebugMessage;
      info.pUserData = this;
      VK_CHECK(create(instance_, &info, nullptr, &messenger_));
    }

    // Choose the device.
    const auto devices = PhysicalDevices(instance_);
    if (devices.empty()) throw base::Error(kNoDeviceHelp);
    int chosen = -1;
    if (!options.device.empty()) {
      chosen = ChooseDevice(devices, options.device);
    } else {
      int best = 1 << 30;
      for (size_t i = 0; i < devices.size(); ++i) {
        VkPhysicalDeviceProperties p;
        vkGetPhysicalDeviceProperties(devices[i], &p);
        if (p.apiVersion < VK_API_VERSION_1_2) continue;
        if (Preference(p.deviceType) < best) best = Preference(p.deviceType), chosen = i;
      }
      if (chosen < 0) throw base::Error(std::string("no Vulkan 1.2 device; ") + kNoDeviceHelp);
    }
    physical_ = devices[chosen];
    info_ = twin::render::Describe(physical_, chosen);
    VkPhysicalDeviceProperties properties;
    vkGetPhysicalDeviceProperties(physical_, &properties);
    max_image_dimension_ = properties.limits.maxImageDimension2D;
    if (properties.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU) KeepCpuDriverScratch();

    // One queue that does graphics (and therefore transfers).
    uint32_t family_count = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(physical_, &family_count, nullptr);
    std::vector<VkQueueFamilyProperties> families(family_count);
    vkGetPhysicalDeviceQueueFamilyProperties(physical_, &family_count, families.data());
    queue_family_ = family_count;
    for (uint32_t i = 0; i < family_count; ++i)
      if (families[i].queueFlags & VK_QUEUE_GRAPHICS_BIT) {
        queue_family_ = i;
        break;
      }
    if (queue_family_ == family_count)
      throw base::Error("Vulkan device '" + info_.name +
                        "' has no graphics queue; pick another with --device");

    const float priority = 1.0f;
    VkDeviceQueueCreateInfo queue_info{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
    queue_info.queueFamilyIndex = queue_family_;
    queue_info.queueCount = 1;
    queue_info.pQueuePriorities = &priority;
    VkDeviceCreateInfo device_info{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
    device_info.queueCreateInfoCount = 1;
    device_info.pQueueCreateInfos = &queue_info;
    VK_CHECK(vkCreateDevice(physical_, &device_info, nullptr, &device_));
    vkGetDeviceQueue(device_, queue_family_, 0, &queue_);

    VkCommandPoolCreateInfo pool_info{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
    pool_info.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
    pool_info.queueFamilyIndex = queue_family_;
    VK_CHECK(vkCreateCommandPool(device_, &pool_info, nullptr, &command_pool_));
  } catch (...) {
    Release();
    throw;
  }
}

Context::~Context() {
  Release();
}

void Context::Release() {
  if (device_) {
    vkDeviceWaitIdle(device_);
    if (command_pool_) vkDestroyCommandPool(device_, command_pool_, nullptr);
    vkDestroyDevice(device_, nullptr);
    device_ = VK_NULL_HANDLE;
  }
  if (messenger_) {
    auto destroy = reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(instance_, "vkDestroyDebugUtilsMessengerEXT"));
    destroy(instance_, messenger_, nullptr);
    messenger_ = VK_NULL_HANDLE;
  }
  if (instance_) vkDestroyInstance(instance_, nullptr);
  instance_ = VK_NULL_HANDLE;
}

std::string Context::Describe() const {
  return info_.name + " (" + info_.type + ", Vulkan " +
         std::to_string(VK_API_VERSION_MAJOR(info_.api_version)) + "." +
         std::to_string(VK_API_VERSION_MINOR(info_.api_version)) + "." +
         std::to_string(VK_API_VERSION_PATCH(info_.api_version)) + ")";
}

void Context::OnValidationMessage(const std::string& message) {
  ++g_validation_messages;
  if (print_validation_) std::fprintf(stderr, "twin: Vulkan validation: %s\n", message.c_str());
  std::lock_guard<std::mutex> lock(log_mutex_);
  log_.push_back(message);
}

int Context::validation_messages() const {
  std::lock_guard<std::mutex> lock(log_mutex_);
  return static_cast<int>(log_.size());
}

std::vector<std::string> Context::validation_log() const {
  std::lock_guard<std::mutex> lock(log_mutex_);
  return log_;
}

uint32_t Context::FindMemoryType(uint32_t type_bits, VkMemoryPropertyFlags properties) const {
  VkPhysicalDeviceMemoryProperties memory;
  vkGetPhysicalDeviceMemoryProperties(physical_, &memory);
  for (uint32_t i = 0; i < memory.memoryTypeCount; ++i)
    if ((type_bits & (1u << i)) && (memory.memoryTypes[i].propertyFlags & properties) == properties)
      return i;
  throw base::Error("Vulkan device '" + info_.name + "' has no suitable memory type");
}

VkCommandBuffer Context::BeginOneTime() {
  VkCommandBufferAllocateInfo alloc{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
  alloc.commandPool = command_pool_;
  alloc.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  alloc.commandBufferCount = 1;
  VkCommandBuffer cmd;
  VK_CHECK(vkAllocateCommandBuffers(device_, &alloc, &cmd));
  VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  VK_CHECK(vkBeginCommandBuffer(cmd, &begin));
  return cmd;
}

void Context::EndOneTimeAndWait(VkCommandBuffer cmd) {
  VK_CHECK(vkEndCommandBuffer(cmd));
  VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
  submit.commandBufferCount = 1;
  submit.pCommandBuffers = &cmd;
  VK_CHECK(vkQueueSubmit(queue_, 1, &submit, VK_NULL_HANDLE));
  VK_CHECK(vkQueueWaitIdle(queue_));
  vkFreeCommandBuffers(device_, command_pool_, 1, &cmd);
}

const char* VkResultName(VkResult result) {
  switch (result) {
#define TWIN_VK_RESULT(name) \
  case name: return #name;
    TWIN_VK_RESULT(VK_NOT_READY)
    TWIN_VK_RESULT(VK_TIMEOUT)
    TWIN_VK_RESULT(VK_INCOMPLETE)
    TWIN_VK_RESULT(VK_ERROR_OUT_OF_HOST_MEMORY)
    TWIN_VK_RESULT(VK_ERROR_OUT_OF_DEVICE_MEMORY)
    TWIN_VK_RESULT(VK_ERROR_INITIALIZATION_FAILED)
    TWIN_VK_RESULT(VK_ERROR_DEVICE_LOST)
    TWIN_VK_RESULT(VK_ERROR_MEMORY_MAP_FAILED)
    TWIN_VK_RESULT(VK_ERROR_LAYER_NOT_PRESENT)
    TWIN_VK_RESULT(VK_ERROR_EXTENSION_NOT_PRESENT)
    TWIN_VK_RESULT(VK_ERROR_FEATURE_NOT_PRESENT)
    TWIN_VK_RESULT(VK_ERROR_INCOMPATIBLE_DRIVER)
    TWIN_VK_RESULT(VK_ERROR_TOO_MANY_OBJECTS)
    TWIN_VK_RESULT(VK_ERROR_FORMAT_NOT_SUPPORTED)
#undef TWIN_VK_RESULT
    default: return "VkResult";
  }
}

void ThrowVkError(const char* call, VkResult result) {
  std::string message = std::string("Vulkan call failed: ") + call + " returned " +
                        VkResultName(result) + " (" + std::to_string(result) + ")";
  if (result == VK_ERROR_OUT_OF_DEVICE_MEMORY || result == VK_ERROR_OUT_OF_HOST_MEMORY)
    message += "; lower the resolution or the number of cameras";
  throw base::Error(message);
}

}  // namespace twin::render
