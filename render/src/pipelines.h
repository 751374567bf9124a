// Render passes and graphics pipelines of the renderer: the shadow pass (light-space depth from
// the main light, depth only) and the scene pass, one variant per set of modalities (an attachment
// that is not wanted is VK_ATTACHMENT_UNUSED, so its writes cost no memory traffic). A set without
// RGB uses the geometry-only shaders: no lighting, texture or shadow work. Each scene pass has a
// second pipeline for the shapes drawn exactly by ray casting (spheres, ellipsoids, capsules,
// cylinders: a proxy rasterized, the depth written from each fragment's ray hit).
#pragma once

#include <vulkan/vulkan.h>

#include <cstdint>
#include <map>

#include <twin/render/context.h>

namespace twin::render {

struct ScenePass {
  VkRenderPass render_pass = VK_NULL_HANDLE;
  VkPipeline pipeline = VK_NULL_HANDLE;      ///< rasterized shapes: boxes, planes, meshes
  VkPipeline ray_pipeline = VK_NULL_HANDLE;  ///< ray-cast shapes, drawn through their proxies
};

class Pipelines {
 public:
  /// `light_count`: lights the fragment shader loops over (a specialization constant, so the loop
  /// is unrolled and each light read with a constant index).
  Pipelines(Context& context, int light_count);
  ~Pipelines();
  Pipelines(const Pipelines&) = delete;
  Pipelines& operator=(const Pipelines&) = delete;

  VkDescriptorSetLayout set_layout() const { return set_layout_; }
  VkPipelineLayout layout() const { return layout_; }
  VkRenderPass shadow_pass() const { return shadow_pass_; }
  VkPipeline shadow_pipeline() const { return shadow_pipeline_; }
  /// The scene pass writing the attachments of `modalities` (made on first use); without kRgb its
  /// pipeline runs the geometry-only shaders.
  const ScenePass& Scene(uint32_t modalities);

 private:
  Context& context_;
  int light_count_ = 0;
  VkDescriptorSetLayout set_layout_ = VK_NULL_HANDLE;
  VkPipelineLayout layout_ = VK_NULL_HANDLE;
  VkShaderModule scene_vert_ = VK_NULL_HANDLE, scene_frag_ = VK_NULL_HANDLE;
  /// No RGB, no shading: depth, ids, normals only (scene.vert built with TWIN_GEOMETRY_ONLY).
  VkShaderModule geometry_vert_ = VK_NULL_HANDLE, geometry_frag_ = VK_NULL_HANDLE;
  /// The ray-cast variants of the four above (ray.vert; the fragment shaders with TWIN_RAY_CAST).
  VkShaderModule scene_ray_vert_ = VK_NULL_HANDLE, scene_ray_frag_ = VK_NULL_HANDLE;
  VkShaderModule geometry_ray_vert_ = VK_NULL_HANDLE, geometry_ray_frag_ = VK_NULL_HANDLE;
  VkShaderModule shadow_vert_ = VK_NULL_HANDLE;  ///< depth only: no fragment shader
  VkRenderPass shadow_pass_ = VK_NULL_HANDLE;
  VkPipeline shadow_pipeline_ = VK_NULL_HANDLE;
  std::map<uint32_t, ScenePass> scene_;
};

/// Push constants of the scene pass (mirrors `Camera` in shaders/camera.glsl).
struct CameraPush {
  float view[16];       // column-major
  float projection[4];  // 2 fx / W, 2 fy / H, 2 (cx + 0.5) / W - 1, 2 (cy + 0.5) / H - 1
  float position[4];    // camera position; w: near plane
  float pixel[4];       // cx + 0.5, cy + 0.5, fx, fy (gl_FragCoord -> the pixel's ray)
};
static_assert(sizeof(CameraPush) <= 128);  // the push constant size every device offers

}  // namespace twin::render
