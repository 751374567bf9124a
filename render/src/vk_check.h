// Every VkResult goes through VK_CHECK: failure becomes a twin::base::Error naming the call and the
// result, so a device problem reads as a message, not a crash.
#pragma once

#include <vulkan/vulkan.h>

#include <string>

namespace twin::render {

const char* VkResultName(VkResult result);

[[noreturn]] void ThrowVkError(const char* call, VkResult result);

}  // namespace twin::render

#define VK_CHECK(call)                                                                       \
  do {                                                                                       \
    const VkResult vk_check_result = (call);                                                 \
    if (vk_check_result != VK_SUCCESS) ::twin::render::ThrowVkError(#call, vk_check_result); \
  } while (0)
