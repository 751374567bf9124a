#include "vk_resources.h"

#include <cstring>

#include "vk_check.h"

namespace twin::render {

Buffer CreateBuffer(Context& context, VkDeviceSize size, VkBufferUsageFlags usage,
                    bool host_visible) {
  Buffer buffer;
  buffer.size = size;
  VkBufferCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
  info.size = size;
  info.usage = usage;
  info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  VK_CHECK(vkCreateBuffer(context.device(), &info, nullptr, &buffer.buffer));
  VkMemoryRequirements requirements;
  vkGetBufferMemoryRequirements(context.device(), buffer.buffer, &requirements);
  VkMemoryAllocateInfo alloc{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
  alloc.allocationSize = requirements.size;
  if (host_visible) {
    const VkMemoryPropertyFlags wanted =
        VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
    try {
      alloc.memoryTypeIndex = context.FindMemoryType(requirements.memoryTypeBits,
                                                     wanted | VK_MEMORY_PROPERTY_HOST_CACHED_BIT);
    } catch (const std::exception&) {
      alloc.memoryTypeIndex = context.FindMemoryType(requirements.memoryTypeBits, wanted);
    }
  } else {
    alloc.memoryTypeIndex =
        context.FindMemoryType(requirements.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
  }
  VK_CHECK(vkAllocateMemory(context.device(), &alloc, nullptr, &buffer.memory));
  VK_CHECK(vkBindBufferMemory(context.device(), buffer.buffer, buffer.memory, 0));
  if (host_visible)
    VK_CHECK(vkMapMemory(context.device(), buffer.memory, 0, VK_WHOLE_SIZE, 0, &buffer.mapped));
  return buffer;
}

void DestroyBuffer(Context& context, Buffer& buffer) {
  if (buffer.mapped) vkUnmapMemory(context.device(), buffer.memory);
  if (buffer.buffer) vkDestroyBuffer(context.device(), buffer.buffer, nullptr);
  if (buffer.memory) vkFreeMemory(context.device(), buffer.memory, nullptr);
  buffer = Buffer{};
}

Buffer CreateDeviceBuffer(Context& context, const void* data, VkDeviceSize size,
                          VkBufferUsageFlags usage) {
  if (size == 0) size = 4;  // Vulkan forbids empty buffers; nothing reads the padding
  Buffer staging = CreateBuffer(context, size, VK_BUFFER_USAGE_TRANSFER_SRC_BIT, true);
  if (data) std::memcpy(staging.mapped, data, size);
  Buffer buffer = CreateBuffer(context, size, usage | VK_BUFFER_USAGE_TRANSFER_DST_BIT, false);
  context.SubmitAndWait([&](VkCommandBuffer cmd) {
    VkBufferCopy region{0, 0, size};
    vkCmdCopyBuffer(cmd, staging.buffer, buffer.buffer, 1, &region);
  });
  DestroyBuffer(context, staging);
  return buffer;
}

Image CreateImage(Context& context, uint32_t width, uint32_t height, uint32_t layers,
                  VkFormat format, VkImageUsageFlags usage, VkImageAspectFlags aspect,
                  VkImageViewType view_type) {
  Image image;
  image.format = format;
  image.width = width;
  image.height = height;
  image.layers = layers;
  VkImageCreateInfo info{VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO};
  info.imageType = VK_IMAGE_TYPE_2D;
  info.format = format;
  info.extent = {width, height, 1};
  info.mipLevels = 1;
  info.arrayLayers = layers;
  info.samples = VK_SAMPLE_COUNT_1_BIT;
  info.tiling = VK_IMAGE_TILING_OPTIMAL;
  info.usage = usage;
  info.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
  VK_CHECK(vkCreateImage(context.device(), &info, nullptr, &image.image));
  VkMemoryRequirements requirements;
  vkGetImageMemoryRequirements(context.device(), image.image, &requirements);
  VkMemoryAllocateInfo alloc{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
  alloc.allocationSize = requirements.size;
  alloc.memoryTypeIndex =
      context.FindMemoryType(requirements.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
  VK_CHECK(vkAllocateMemory(context.device(), &alloc, nullptr, &image.memory));
  VK_CHECK(vkBindImageMemory(context.device(), image.image, image.memory, 0));
  VkImageViewCreateInfo view{VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO};
  view.image = image.image;
  view.viewType = view_type;
  view.format = format;
  view.subresourceRange = {aspect, 0, 1, 0, layers};
  VK_CHECK(vkCreateImageView(context.device(), &view, nullptr, &image.view));
  return image;
}

void DestroyImage(Context& context, Image& image) {
  if (image.view) vkDestroyImageView(context.device(), image.view, nullptr);
  if (image.image) vkDestroyImage(context.device(), image.image, nullptr);
  if (image.memory) vkFreeMemory(context.device(), image.memory, nullptr);
  image = Image{};
}

void TransitionImage(VkCommandBuffer cmd, const Image& image, VkImageAspectFlags aspect,
                     VkImageLayout from, VkImageLayout to) {
  VkImageMemoryBarrier barrier{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
  barrier.srcAccessMask = VK_ACCESS_MEMORY_WRITE_BIT;
  barrier.dstAccessMask = VK_ACCESS_MEMORY_READ_BIT | VK_ACCESS_MEMORY_WRITE_BIT;
  barrier.oldLayout = from;
  barrier.newLayout = to;
  barrier.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
  barrier.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
  barrier.image = image.image;
  barrier.subresourceRange = {aspect, 0, 1, 0, image.layers};
  vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT,
                       0, 0, nullptr, 0, nullptr, 1, &barrier);
}

}  // namespace twin::render
