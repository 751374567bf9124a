// Buffers and images with their memory, created and destroyed explicitly (one allocation each:
// a renderer holds a few dozen, so a sub-allocator would buy nothing yet).
#pragma once

#include <vulkan/vulkan.h>

#include <cstdint>

#include <twin/render/context.h>

namespace twin::render {

struct Buffer {
  VkBuffer buffer = VK_NULL_HANDLE;
  VkDeviceMemory memory = VK_NULL_HANDLE;
  VkDeviceSize size = 0;
  void* mapped = nullptr;  ///< host-visible buffers stay mapped for their lifetime
};

/// A host-visible buffer is mapped and coherent (cached when the device offers it: readback).
Buffer CreateBuffer(Context& context, VkDeviceSize size, VkBufferUsageFlags usage,
                    bool host_visible);
void DestroyBuffer(Context& context, Buffer& buffer);

/// Copies `size` bytes into a device-local buffer through a temporary staging buffer.
Buffer CreateDeviceBuffer(Context& context, const void* data, VkDeviceSize size,
                          VkBufferUsageFlags usage);

struct Image {
  VkImage image = VK_NULL_HANDLE;
  VkDeviceMemory memory = VK_NULL_HANDLE;
  VkImageView view = VK_NULL_HANDLE;
  VkFormat format = VK_FORMAT_UNDEFINED;
  uint32_t width = 0, height = 0, layers = 1;
};

Image CreateImage(Context& context, uint32_t width, uint32_t height, uint32_t layers,
                  VkFormat format, VkImageUsageFlags usage, VkImageAspectFlags aspect,
                  VkImageViewType view_type = VK_IMAGE_VIEW_TYPE_2D);
void DestroyImage(Context& context, Image& image);

/// A full-image layout transition with the broadest stage masks (used outside hot loops).
void TransitionImage(VkCommandBuffer cmd, const Image& image, VkImageAspectFlags aspect,
                     VkImageLayout from, VkImageLayout to);

}  // namespace twin::render
