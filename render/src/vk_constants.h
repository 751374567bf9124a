// Tunables of the renderer, in one place, each with the reason for its value.
#pragma once

#include <vulkan/vulkan.h>

#include <cstdint>

namespace twin::render {

// Frames in flight: the CPU reads frame k back while the device renders k + 1.
inline constexpr int kFramesInFlight = 2;

// Attachment formats of the one multi-target pass.
inline constexpr VkFormat kColorFormat = VK_FORMAT_R8G8B8A8_SRGB;  // shaded in linear, stored sRGB
inline constexpr VkFormat kDepthOutFormat = VK_FORMAT_R32_SFLOAT;  // metres along the optical axis
inline constexpr VkFormat kIdFormat = VK_FORMAT_R32_UINT;          // instance | class << 16
inline constexpr VkFormat kNormalFormat = VK_FORMAT_R8G8B8A8_SNORM;  // camera frame; PNGs are 8-bit
// Reversed Z in a float buffer: precision stays nearly constant from 1 cm to kilometres.
inline constexpr VkFormat kDepthBufferFormat = VK_FORMAT_D32_SFLOAT;

// Near plane in metres. Reversed infinite projection: there is no far plane.
inline constexpr float kNearPlane = 0.01f;

// Shadow map of the main light: a depth-only pass (no colour target, no fragment shader) into a
// D32 image sampled with a comparison sampler; linear filtering gives 2x2 percentage-closer
// filtering in one fetch. Its size is the model's <visual><quality shadowsize> (ShadowMapSize).
inline constexpr VkFormat kShadowFormat = VK_FORMAT_D32_SFLOAT;
// Depth bias of the shadow pass, so that surfaces do not shadow themselves: a slope-scaled part
// (in units of the depth change across one shadow texel) and a constant part in depth units,
// subtracted from the compared depth through the shadow matrix.
inline constexpr float kShadowSlopeBias = 2.0f;
inline constexpr float kShadowConstantBias = 1e-5f;

// 2D textures are resampled into one array of this size per layer (no descriptor indexing
// needed, so the same shaders run on every Vulkan 1.2 device).
inline constexpr uint32_t kTextureSize = 512;

// Lights the shader handles (MuJoCo's default limit of active lights in its own renderer is 8).
inline constexpr int kMaxLights = 8;

// Tessellation of the primitives in the shadow map (the scene pass ray-casts them exactly): a
// sphere's faces lie within 0.5% of its radius inside the exact sphere.
inline constexpr int kSphereSlices = 48, kSphereStacks = 24;
inline constexpr int kCylinderSlices = 48;
// The bounding proxies of the ray-cast primitives (spheres, ellipsoids, capsules, cylinders):
// coarser, since the ray cast makes them exact, and enlarged to enclose the exact shape with a
// margin of 1% of its size, more than the rasterizer's subpixel snapping (1/256 pixel) for any
// shape wider than a few pixels. Fragments in the margin miss and are discarded.
inline constexpr int kProxySlices = 24, kProxyStacks = 12;
inline constexpr double kProxyMargin = 1.01;

// Geom groups MuJoCo shows by default (mjvOption.geomgroup): 0, 1, 2.
inline constexpr int kVisibleGeomGroups = 3;

}  // namespace twin::render
