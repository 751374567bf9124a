#include <twin/render/renderer.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstring>
#include <map>
#include <memory>

#include <twin/base/error.h>
#include <twin/base/random.h>
#include <twin/render/camera_noise.h>

#include "geometry.h"
#include "pipelines.h"
#include "scene_state.h"
#include "vk_check.h"
#include "vk_constants.h"
#include "vk_resources.h"

namespace twin::render {
namespace {

using Clock = std::chrono::steady_clock;
double Ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

// Background of the colour image (linear): a neutral grey-blue "sky".
constexpr float kBackground[4] = {0.12f, 0.14f, 0.17f, 1.0f};

struct Attachment {
  uint32_t modality;
  VkFormat format;
  uint32_t bytes_per_pixel;
};
constexpr std::array<Attachment, 4> kAttachments = {{
    {kRgb, kColorFormat, 4},
    {kDepth, kDepthOutFormat, 4},
    {kLabels, kIdFormat, 4},
    {kNormal, kNormalFormat, 4},
}};

// What a frame in flight was submitted with: the intrinsics and map may change before Collect.
struct SubmittedCamera {
  CameraIntrinsics intrinsics;
  std::shared_ptr<const DistortionMap> map;
};

// One camera's images on the device and where each slot reads them back to.
struct CameraTarget {
  RenderCamera camera;
  std::shared_ptr<const DistortionMap> map;                ///< canvas = what is rendered
  std::array<SubmittedCamera, kFramesInFlight> submitted;  ///< by slot
  std::array<Image, 4> color;                              ///< by kAttachments index
  Image depth_buffer;
  std::map<uint32_t, VkFramebuffer> framebuffers;  ///< by modality set
  std::array<std::array<Buffer, 4>, kFramesInFlight> staging;
};

struct Slot {
  VkCommandBuffer cmd = VK_NULL_HANDLE;
  VkFence fence = VK_NULL_HANDLE;
  Buffer instances, frame;
  VkDescriptorSet set = VK_NULL_HANDLE;
  bool busy = false;
  uint32_t modalities = 0;
  uint64_t frame_index = 0;
  double time = 0;
  Clock::time_point submitted;
};

}  // namespace

struct Renderer::Impl {
  Context& context;
  const mjModel* m;
  SceneLabels labels;
  RendererOptions options;
  Pipelines pipelines;
  DrawList draw_list;
  std::vector<int> texture_layers;
  Buffer vertices, indices;
  std::vector<ShapeRange> shapes, proxies;
  Image textures, shadow_map;
  VkSampler texture_sampler = VK_NULL_HANDLE, shadow_sampler = VK_NULL_HANDLE;
  VkFramebuffer shadow_framebuffer = VK_NULL_HANDLE;
  VkDescriptorPool descriptor_pool = VK_NULL_HANDLE;
  uint32_t shadow_size = 0;  // 0: no shadow map (shadows off, or no light casts them)
  std::vector<std::unique_ptr<CameraTarget>> cameras;
  std::array<Slot, kFramesInFlight> slots;
  int next_slot = 0;    // where the next Submit goes
  int oldest_slot = 0;  // what the next Collect returns
  int in_flight = 0;
  StageTimes times;

  Impl(Context& c, const mjModel* model, SceneLabels l, RendererOptions o)
      : context(c),
        m(model),
        labels(std::move(l)),
        options(o),
        pipelines(c, std::min(model->nlight, kMaxLights)) {}

  void UploadScene();
  void MakeSlots();
  void AllocateCamera(CameraTarget& target);
  void DestroyCamera(CameraTarget& target);
  VkFramebuffer Framebuffer(CameraTarget& target, uint32_t modalities);
  void Record(Slot& slot, int slot_index, const mjData* d, uint32_t modalities, int shadow_light,
              const float shadow_view_projection[16]);
  CameraFrame Read(CameraTarget& target, int slot_index, const Slot& slot);
};

void Renderer::Impl::UploadScene() {
  const Geometry geometry = BuildGeometry(m);
  shapes = geometry.shapes;
  proxies = geometry.proxies;
  vertices = CreateDeviceBuffer(context, geometry.vertices.data(),
                                geometry.vertices.size() * sizeof(Vertex),
                                VK_BUFFER_USAGE_VERTEX_BUFFER_BIT);
  indices = CreateDeviceBuffer(context, geometry.indices.data(),
                               geometry.indices.size() * sizeof(uint32_t),
                               VK_BUFFER_USAGE_INDEX_BUFFER_BIT);
  draw_list = MakeDrawList(m);

  // Textures: one array layer per 2D-mappable texture.
  texture_layers = TextureLayers(m);
  const std::vector<uint8_t> texels = TextureTexels(m, texture_layers);
  const uint32_t layers =
      static_cast<uint32_t>(texels.size() / (static_cast<size_t>(kTextureSize) * kTextureSize * 4));
  textures = CreateImage(context, kTextureSize, kTextureSize, layers, VK_FORMAT_R8G8B8A8_SRGB,
                         VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT,
                         VK_IMAGE_ASPECT_COLOR_BIT, VK_IMAGE_VIEW_TYPE_2D_ARRAY);
  Buffer staging = CreateBuffer(context, texels.size(), VK_BUFFER_USAGE_TRANSFER_SRC_BIT, true);
  std::memcpy(staging.mapped, texels.data(), texels.size());
  context.SubmitAndWait([&](VkCommandBuffer cmd) {
    TransitionImage(cmd, textures, VK_IMAGE_ASPECT_COLOR_BIT, VK_IMAGE_LAYOUT_UNDEFINED,
                    VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL);
    VkBufferImageCopy region{};
    region.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, layers};
    region.imageExtent = {kTextureSize, kTextureSize, 1};
    vkCmdCopyBufferToImage(cmd, staging.buffer, textures.image,
                           VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &region);
    TransitionImage(cmd, textures, VK_IMAGE_ASPECT_COLOR_BIT, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                    VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL);
  });
  DestroyBuffer(context, staging);

  VkSamplerCreateInfo sampler{VK_STRUCTURE_TYPE_SAMPLER_CREATE_INFO};
  sampler.magFilter = sampler.minFilter = VK_FILTER_LINEAR;
  sampler.addressModeU = sampler.addressModeV = sampler.addressModeW =
      VK_SAMPLER_ADDRESS_MODE_REPEAT;
  sampler.maxLod = 0;
  VK_CHECK(vkCreateSampler(context.device(), &sampler, nullptr, &texture_sampler));

  // Shadow map: made when a light of the model casts shadows (which one does is chosen per frame,
  // as lights are switched on and off), at the model's <visual><quality shadowsize>; a 1x1 map
  // otherwise, which the shader never reads.
  shadow_size = options.shadows ? ShadowMapSize(m, context.max_image_dimension()) : 0;
  const uint32_t map_size = std::max(shadow_size, 1u);
  shadow_map = CreateImage(context, map_size, map_size, 1, kShadowFormat,
                           VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT | VK_IMAGE_USAGE_SAMPLED_BIT,
                           VK_IMAGE_ASPECT_DEPTH_BIT);
  context.SubmitAndWait([&](VkCommandBuffer cmd) {
    TransitionImage(cmd, shadow_map, VK_IMAGE_ASPECT_DEPTH_BIT, VK_IMAGE_LAYOUT_UNDEFINED,
                    VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL);
  });
  // A comparison sampler: lit = compared depth <= stored depth. Linear filtering (where the device
  // filters this format, as lavapipe and GPUs do) blends the four nearest results: 2x2
  // percentage-closer filtering in one fetch.
  VkFormatProperties shadow_format;
  vkGetPhysicalDeviceFormatProperties(context.physical_device(), kShadowFormat, &shadow_format);
  const bool linear =
      shadow_format.optimalTilingFeatures & VK_FORMAT_FEATURE_SAMPLED_IMAGE_FILTER_LINEAR_BIT;
  VkSamplerCreateInfo compare{VK_STRUCTURE_TYPE_SAMPLER_CREATE_INFO};
  compare.magFilter = compare.minFilter = linear ? VK_FILTER_LINEAR : VK_FILTER_NEAREST;
  compare.addressModeU = compare.addressModeV = compare.addressModeW =
      VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE;
  compare.compareEnable = VK_TRUE;
  compare.compareOp = VK_COMPARE_OP_LESS_OR_EQUAL;
  VK_CHECK(vkCreateSampler(context.device(), &compare, nullptr, &shadow_sampler));
  if (shadow_size > 0) {
    VkFramebufferCreateInfo fb{VK_STRUCTURE_TYPE_FRAMEBUFFER_CREATE_INFO};
    fb.renderPass = pipelines.shadow_pass();
    fb.attachmentCount = 1;
    fb.pAttachments = &shadow_map.view;
    fb.width = fb.height = shadow_size;
    fb.layers = 1;
    VK_CHECK(vkCreateFramebuffer(context.device(), &fb, nullptr, &shadow_framebuffer));
  }
}

void Renderer::Impl::MakeSlots() {
  VkDescriptorPoolSize sizes[] = {
      {VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, kFramesInFlight},
      {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, kFramesInFlight},
      {VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 2 * kFramesInFlight},
  };
  VkDescriptorPoolCreateInfo pool{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
  pool.maxSets = kFramesInFlight;
  pool.poolSizeCount = 3;
  pool.pPoolSizes = sizes;
  VK_CHECK(vkCreateDescriptorPool(context.device(), &pool, nullptr, &descriptor_pool));

  const size_t instance_bytes = std::max<size_t>(draw_list.geoms.size(), 1) * sizeof(GpuInstance);
  for (Slot& slot : slots) {
    VkCommandBufferAllocateInfo alloc{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
    alloc.commandPool = context.command_pool();
    alloc.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    alloc.commandBufferCount = 1;
    VK_CHECK(vkAllocateCommandBuffers(context.device(), &alloc, &slot.cmd));
    VkFenceCreateInfo fence{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    VK_CHECK(vkCreateFence(context.device(), &fence, nullptr, &slot.fence));
    slot.instances =
        CreateBuffer(context, instance_bytes, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, true);
    slot.frame = CreateBuffer(context, sizeof(GpuFrame), VK_BUFFER_USAGE_UNIFORM_BUFFER_BIT, true);

    VkDescriptorSetLayout layout = pipelines.set_layout();
    VkDescriptorSetAllocateInfo set_alloc{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
    set_alloc.descriptorPool = descriptor_pool;
    set_alloc.descriptorSetCount = 1;
    set_alloc.pSetLayouts = &layout;
    VK_CHECK(vkAllocateDescriptorSets(context.device(), &set_alloc, &slot.set));
    VkDescriptorBufferInfo frame_info{slot.frame.buffer, 0, VK_WHOLE_SIZE};
    VkDescriptorBufferInfo instance_info{slot.instances.buffer, 0, VK_WHOLE_SIZE};
    VkDescriptorImageInfo texture_info{texture_sampler, textures.view,
                                       VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL};
    VkDescriptorImageInfo shadow_info{shadow_sampler, shadow_map.view,
                                      VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL};
    VkWriteDescriptorSet writes[4] = {};
    for (int i = 0; i < 4; ++i) {
      writes[i].sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET;
      writes[i].dstSet = slot.set;
      writes[i].dstBinding = i;
      writes[i].descriptorCount = 1;
    }
    writes[0].descriptorType = VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER;
    writes[0].pBufferInfo = &frame_info;
    writes[1].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    writes[1].pBufferInfo = &instance_info;
    writes[2].descriptorType = VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER;
    writes[2].pImageInfo = &shadow_info;
    writes[3].descriptorType = VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER;
    writes[3].pImageInfo = &texture_info;
    vkUpdateDescriptorSets(context.device(), 4, writes, 0, nullptr);
  }
}

VkFramebuffer Renderer::Impl::Framebuffer(CameraTarget& target, uint32_t modalities) {
  if (auto it = target.framebuffers.find(modalities); it != target.framebuffers.end())
    return it->second;
  std::vector<VkImageView> views;
  for (size_t i = 0; i < kAttachments.size(); ++i)
    if (modalities & kAttachments[i].modality) views.push_back(target.color[i].view);
  views.push_back(target.depth_buffer.view);
  VkFramebufferCreateInfo fb{VK_STRUCTURE_TYPE_FRAMEBUFFER_CREATE_INFO};
  fb.renderPass = pipelines.Scene(modalities).render_pass;
  fb.attachmentCount = static_cast<uint32_t>(views.size());
  fb.pAttachments = views.data();
  fb.width = static_cast<uint32_t>(target.map->canvas.width);
  fb.height = static_cast<uint32_t>(target.map->canvas.height);
  fb.layers = 1;
  VkFramebuffer framebuffer;
  VK_CHECK(vkCreateFramebuffer(context.device(), &fb, nullptr, &framebuffer));
  return target.framebuffers[modalities] = framebuffer;
}

namespace {

// View matrix (OpenCV camera frame from world), column-major for GLSL.
void ViewMatrix(const std::array<double, 3>& p, const std::array<double, 9>& r, float out[16]) {
  // r's columns are the camera axes in world; the view rotation is r transposed.
  for (int row = 0; row < 3; ++row) {
    double t = 0;
    for (int col = 0; col < 3; ++col) {
      out[col * 4 + row] = static_cast<float>(r[3 * col + row]);
      t += r[3 * col + row] * p[col];
    }
    out[12 + row] = static_cast<float>(-t);
  }
  out[3] = out[7] = out[11] = 0;
  out[15] = 1;
}

}  // namespace

void Renderer::Impl::Record(Slot& slot, int slot_index, const mjData* d, uint32_t modalities,
                            int shadow_light, const float shadow_view_projection[16]) {
  VkCommandBuffer cmd = slot.cmd;
  VK_CHECK(vkResetCommandBuffer(cmd, VK_COMMAND_BUFFER_RESET_RELEASE_RESOURCES_BIT));
  VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  VK_CHECK(vkBeginCommandBuffer(cmd, &begin));

  VkDeviceSize offset = 0;
  auto bind_geometry = [&](VkPipeline pipeline) {
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, pipeline);
    vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, pipelines.layout(), 0, 1,
                            &slot.set, 0, nullptr);
    vkCmdBindVertexBuffers(cmd, 0, 1, &vertices.buffer, &offset);
    vkCmdBindIndexBuffer(cmd, indices.buffer, 0, VK_INDEX_TYPE_UINT32);
  };
  // Draws the groups whose shape `select` accepts, each with its range in `ranges`.
  auto draw_groups = [&](auto select, const std::vector<ShapeRange>& ranges) {
    for (const DrawList::Group& group : draw_list.groups) {
      if (!select(group.shape)) continue;
      const ShapeRange& range = ranges[group.shape];
      if (range.index_count == 0) continue;
      vkCmdDrawIndexed(cmd, range.index_count, group.count, range.first_index, 0,
                       group.first_instance);
    }
  };
  // Planes never cast a shadow onto what stands on them, and a floor would fill the whole shadow
  // map: the shadow pass leaves them out. Shadows of the ray-cast shapes come from their
  // tessellations (inscribed in the exact shape, so a lit surface never shadows itself).
  auto draw_shadow_casters = [&] {
    draw_groups([](int shape) { return shape != kShapePlane; }, shapes);
  };
  // The scene pass: rasterized shapes, then the ray-cast ones through their proxies, then planes
  // last: a floor is behind what stands on it, so the early depth test spares shading the floor
  // under every object (the ray-cast shapes write their depth from the fragment shader, which
  // turns the early test off for them only).
  auto draw_scene = [&](const ScenePass& scene) {
    draw_groups([](int shape) { return shape != kShapePlane && !IsRayCast(shape); }, shapes);
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, scene.ray_pipeline);
    draw_groups(IsRayCast, proxies);
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, scene.pipeline);
    draw_groups([](int shape) { return shape == kShapePlane; }, shapes);
  };
  auto set_viewport = [&](uint32_t width, uint32_t height) {
    VkViewport viewport{0, 0, static_cast<float>(width), static_cast<float>(height), 0, 1};
    VkRect2D scissor{{0, 0}, {width, height}};
    vkCmdSetViewport(cmd, 0, 1, &viewport);
    vkCmdSetScissor(cmd, 0, 1, &scissor);
  };

  // Only the shaded (RGB) pipeline samples the shadow map: without RGB it is not drawn.
  if (shadow_light >= 0 && (modalities & kRgb)) {
    VkClearValue clear{};
    clear.depthStencil = {1.0f, 0};  // nothing there: farthest
    VkRenderPassBeginInfo pass{VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO};
    pass.renderPass = pipelines.shadow_pass();
    pass.framebuffer = shadow_framebuffer;
    pass.renderArea = {{0, 0}, {shadow_size, shadow_size}};
    pass.clearValueCount = 1;
    pass.pClearValues = &clear;
    vkCmdBeginRenderPass(cmd, &pass, VK_SUBPASS_CONTENTS_INLINE);
    bind_geometry(pipelines.shadow_pipeline());
    set_viewport(shadow_size, shadow_size);
    vkCmdPushConstants(cmd, pipelines.layout(),
                       VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, 0,
                       16 * sizeof(float), shadow_view_projection);
    draw_shadow_casters();
    vkCmdEndRenderPass(cmd);
  }

  const ScenePass& scene = pipelines.Scene(modalities);
  for (auto& target_ptr : cameras) {
    CameraTarget& target = *target_ptr;
    target.submitted[slot_index] = {target.camera.intrinsics, target.map};
    const CameraIntrinsics& k = target.map->canvas;
    const auto [position, rotation] = PoseOf(target.camera, d);
    CameraPush push{};
    ViewMatrix(position, rotation, push.view);
    push.projection[0] = static_cast<float>(2 * k.fx / k.width);
    push.projection[1] = static_cast<float>(2 * k.fy / k.height);
    push.projection[2] = static_cast<float>(2 * (k.cx + 0.5) / k.width - 1);
    push.projection[3] = static_cast<float>(2 * (k.cy + 0.5) / k.height - 1);
    for (int i = 0; i < 3; ++i) push.position[i] = static_cast<float>(position[i]);
    push.position[3] = kNearPlane;
    push.pixel[0] = static_cast<float>(k.cx + 0.5);
    push.pixel[1] = static_cast<float>(k.cy + 0.5);
    push.pixel[2] = static_cast<float>(k.fx);
    push.pixel[3] = static_cast<float>(k.fy);

    std::vector<VkClearValue> clears;
    for (const Attachment& a : kAttachments) {
      if (!(modalities & a.modality)) continue;
      VkClearValue c{};
      if (a.modality == kRgb) std::memcpy(c.color.float32, kBackground, sizeof kBackground);
      clears.push_back(c);  // depth 0 = no surface, id 0 = background, normal 0
    }
    VkClearValue depth_clear{};
    depth_clear.depthStencil = {0.0f, 0};  // reversed Z: 0 is infinitely far
    clears.push_back(depth_clear);

    const uint32_t width = static_cast<uint32_t>(k.width), height = static_cast<uint32_t>(k.height);
    VkRenderPassBeginInfo pass{VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO};
    pass.renderPass = scene.render_pass;
    pass.framebuffer = Framebuffer(target, modalities);
    pass.renderArea = {{0, 0}, {width, height}};
    pass.clearValueCount = static_cast<uint32_t>(clears.size());
    pass.pClearValues = clears.data();
    vkCmdBeginRenderPass(cmd, &pass, VK_SUBPASS_CONTENTS_INLINE);
    bind_geometry(scene.pipeline);
    set_viewport(width, height);
    vkCmdPushConstants(cmd, pipelines.layout(),
                       VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, 0, sizeof push,
                       &push);
    draw_scene(scene);
    vkCmdEndRenderPass(cmd);

    for (size_t i = 0; i < kAttachments.size(); ++i) {
      if (!(modalities & kAttachments[i].modality)) continue;
      VkBufferImageCopy region{};
      region.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
      region.imageExtent = {width, height, 1};
      vkCmdCopyImageToBuffer(cmd, target.color[i].image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
                             target.staging[slot_index][i].buffer, 1, &region);
    }
  }
  // The host reads the staging buffers after the fence.
  VkMemoryBarrier to_host{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
  to_host.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
  to_host.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
  vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 1,
                       &to_host, 0, nullptr, 0, nullptr);
  VK_CHECK(vkEndCommandBuffer(cmd));
}

CameraFrame Renderer::Impl::Read(CameraTarget& target, int slot_index, const Slot& slot) {
  const SubmittedCamera& submitted = target.submitted[slot_index];
  const DistortionMap& map = *submitted.map;
  const CameraIntrinsics& canvas = map.canvas;
  const size_t canvas_pixels = static_cast<size_t>(canvas.width) * canvas.height;
  const bool remap = !map.map_x.empty();
  CameraFrame frame;
  frame.camera = target.camera.name;
  frame.intrinsics = submitted.intrinsics;
  frame.width = submitted.intrinsics.width;
  frame.height = submitted.intrinsics.height;
  frame.time = slot.time;
  const size_t pixels = frame.pixels();
  const auto& staging = target.staging[slot_index];

  // Canvas images in the frame's formats, then (with distortion) resampled into the frame.
  const auto readback_start = Clock::now();
  std::vector<uint8_t> rgb;
  std::vector<float> depth, normal;
  std::vector<uint16_t> instance, semantic;
  if (slot.modalities & kRgb) {
    rgb.resize(3 * canvas_pixels);
    const uint8_t* src = static_cast<const uint8_t*>(staging[0].mapped);
    for (size_t i = 0; i < canvas_pixels; ++i)
      for (int c = 0; c < 3; ++c) rgb[3 * i + c] = src[4 * i + c];
  }
  if (slot.modalities & kDepth) {
    depth.resize(canvas_pixels);
    std::memcpy(depth.data(), staging[1].mapped, canvas_pixels * sizeof(float));
  }
  if (slot.modalities & kLabels) {
    instance.resize(canvas_pixels);
    semantic.resize(canvas_pixels);
    const uint32_t* src = static_cast<const uint32_t*>(staging[2].mapped);
    for (size_t i = 0; i < canvas_pixels; ++i) {
      instance[i] = static_cast<uint16_t>(src[i] & 0xFFFF);
      semantic[i] = static_cast<uint16_t>(src[i] >> 16);
    }
  }
  if (slot.modalities & kNormal) {
    normal.resize(3 * canvas_pixels);
    // Branch-free, so that it vectorises (-O3 -fno-math-errno for this file, CMakeLists.txt).
    const int8_t* src = static_cast<const int8_t*>(staging[3].mapped);
    float* out = normal.data();
    for (size_t i = 0; i < canvas_pixels; ++i) {
      const float x = std::max(src[4 * i] / 127.0f, -1.0f);
      const float y = std::max(src[4 * i + 1] / 127.0f, -1.0f);
      const float z = std::max(src[4 * i + 2] / 127.0f, -1.0f);
      const float len2 = x * x + y * y + z * z;
      const float inv = len2 > 0 ? 1 / std::sqrt(len2) : 0;
      out[3 * i] = x * inv;
      out[3 * i + 1] = y * inv;
      out[3 * i + 2] = z * inv;
    }
  }
  const auto remap_start = Clock::now();
  times.readback += Ms(remap_start - readback_start);

  if (!remap) {
    frame.rgb = std::move(rgb);
    frame.depth = std::move(depth);
    frame.instance = std::move(instance);
    frame.semantic = std::move(semantic);
    frame.normal = std::move(normal);
  } else {
    if (!rgb.empty()) {
      frame.rgb.resize(3 * pixels);
      RemapBilinearRgb8(map, rgb.data(), frame.rgb.data());
    }
    if (!depth.empty()) {
      frame.depth.resize(pixels);
      RemapNearest(map, depth.data(), frame.depth.data(), sizeof(float));
    }
    if (!instance.empty()) {
      frame.instance.resize(pixels);
      frame.semantic.resize(pixels);
      RemapNearest(map, instance.data(), frame.instance.data(), sizeof(uint16_t));
      RemapNearest(map, semantic.data(), frame.semantic.data(), sizeof(uint16_t));
    }
    if (!normal.empty()) {
      frame.normal.resize(3 * pixels);
      RemapNearest(map, normal.data(), frame.normal.data(), 3 * sizeof(float));
    }
  }
  ApplyCameraNoise(target.camera.noise, options.seed, base::StreamId(target.camera.name),
                   slot.frame_index, frame);
  times.remap += Ms(Clock::now() - remap_start);
  return frame;
}

void Renderer::Impl::DestroyCamera(CameraTarget& target) {
  for (auto& [mask, fb] : target.framebuffers) vkDestroyFramebuffer(context.device(), fb, nullptr);
  for (Image& image : target.color) DestroyImage(context, image);
  DestroyImage(context, target.depth_buffer);
  for (auto& slot : target.staging)
    for (Buffer& buffer : slot) DestroyBuffer(context, buffer);
}

// ---- public API ---------------------------------------------------------------------------------

CameraPose PoseOf(const RenderCamera& camera, const mjData* d) {
  if (camera.mj_camera >= 0) return OpenCvCameraPose(d, camera.mj_camera);
  return {camera.position, camera.rotation};
}

RenderCamera CameraFromModel(const mjModel* m, int camera, int width, int height) {
  RenderCamera c;
  c.mj_camera = camera;
  if (camera >= 0) {
    TWIN_DEMAND(camera < m->ncam);
    const char* name = mj_id2name(m, mjOBJ_CAMERA, camera);
    c.name = name && *name ? name : "camera" + std::to_string(camera);
    c.intrinsics = IntrinsicsFromFovy(width, height, m->cam_fovy[camera]);
    return c;
  }
  // MuJoCo's default free camera: looking at the model's centre from 1.5 extents away, at the
  // azimuth and elevation of the model's <visual><global>.
  c.name = "free";
  c.intrinsics = IntrinsicsFromFovy(width, height, m->vis.global.fovy);
  const double az = m->vis.global.azimuth * M_PI / 180, el = m->vis.global.elevation * M_PI / 180;
  const double forward[3] = {std::cos(el) * std::cos(az), std::cos(el) * std::sin(az),
                             std::sin(el)};
  const double distance = 1.5 * m->stat.extent;
  for (int i = 0; i < 3; ++i) c.position[i] = m->stat.center[i] - distance * forward[i];
  // right = forward x up, down = forward x right (world z is up).
  double right[3] = {forward[1], -forward[0], 0};
  const double rn = std::hypot(right[0], right[1]);
  for (double& x : right) x /= rn;
  const double down[3] = {forward[1] * right[2] - forward[2] * right[1],
                          forward[2] * right[0] - forward[0] * right[2],
                          forward[0] * right[1] - forward[1] * right[0]};
  for (int i = 0; i < 3; ++i) {
    c.rotation[3 * i + 0] = right[i];
    c.rotation[3 * i + 1] = down[i];
    c.rotation[3 * i + 2] = forward[i];
  }
  return c;
}

Renderer::Renderer(Context& context, const mjModel* m, SceneLabels labels, RendererOptions options)
    : impl_(std::make_unique<Impl>(context, m, std::move(labels), options)) {
  TWIN_DEMAND(static_cast<int>(impl_->labels.geom_instance.size()) == m->ngeom);
  impl_->UploadScene();
  impl_->MakeSlots();
}

Renderer::~Renderer() {
  Impl& r = *impl_;
  VkDevice device = r.context.device();
  vkDeviceWaitIdle(device);
  for (auto& target : r.cameras) r.DestroyCamera(*target);
  for (Slot& slot : r.slots) {
    DestroyBuffer(r.context, slot.instances);
    DestroyBuffer(r.context, slot.frame);
    vkDestroyFence(device, slot.fence, nullptr);
    vkFreeCommandBuffers(device, r.context.command_pool(), 1, &slot.cmd);
  }
  vkDestroyDescriptorPool(device, r.descriptor_pool, nullptr);
  if (r.shadow_framebuffer) vkDestroyFramebuffer(device, r.shadow_framebuffer, nullptr);
  vkDestroySampler(device, r.texture_sampler, nullptr);
  vkDestroySampler(device, r.shadow_sampler, nullptr);
  DestroyImage(r.context, r.textures);
  DestroyImage(r.context, r.shadow_map);
  DestroyBuffer(r.context, r.vertices);
  DestroyBuffer(r.context, r.indices);
}

// The device images and read-back buffers of a camera whose `camera` and `map` are set.
void Renderer::Impl::AllocateCamera(CameraTarget& target) {
  const uint32_t width = static_cast<uint32_t>(target.map->canvas.width);
  const uint32_t height = static_cast<uint32_t>(target.map->canvas.height);
  try {
    for (size_t i = 0; i < kAttachments.size(); ++i) {
      target.color[i] =
          CreateImage(context, width, height, 1, kAttachments[i].format,
                      VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT,
                      VK_IMAGE_ASPECT_COLOR_BIT);
      for (auto& slot : target.staging)
        slot[i] = CreateBuffer(
            context, static_cast<VkDeviceSize>(width) * height * kAttachments[i].bytes_per_pixel,
            VK_BUFFER_USAGE_TRANSFER_DST_BIT, true);
    }
    target.depth_buffer =
        CreateImage(context, width, height, 1, kDepthBufferFormat,
                    VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT, VK_IMAGE_ASPECT_DEPTH_BIT);
  } catch (...) {
    DestroyCamera(target);
    throw;
  }
}

int Renderer::AddCamera(const RenderCamera& camera) {
  Impl& r = *impl_;
  TWIN_DEMAND(r.in_flight == 0);
  const int max_dimension = static_cast<int>(r.context.max_image_dimension());
  ValidateIntrinsics(camera.intrinsics, camera.name, max_dimension);
  auto target = std::make_unique<CameraTarget>();
  target->camera = camera;
  target->map =
      std::make_shared<const DistortionMap>(MakeDistortionMap(camera.intrinsics, max_dimension));
  r.AllocateCamera(*target);
  r.cameras.push_back(std::move(target));
  return static_cast<int>(r.cameras.size()) - 1;
}

void Renderer::SetCameraIntrinsics(int index, const CameraIntrinsics& k) {
  Impl& r = *impl_;
  CameraTarget& target = *r.cameras.at(index);
  const RenderCamera& camera = target.camera;
  if (k.width != camera.intrinsics.width || k.height != camera.intrinsics.height) {
    throw base::Error("camera '" + camera.name + "': new intrinsics are " +
                      std::to_string(k.width) + "x" + std::to_string(k.height) +
                      " but the camera was added at " + std::to_string(camera.intrinsics.width) +
                      "x" + std::to_string(camera.intrinsics.height) +
                      "; the image size cannot change (add another camera)");
  }
  const CameraIntrinsics& now = camera.intrinsics;
  if (k.fx == now.fx && k.fy == now.fy && k.cx == now.cx && k.cy == now.cy && k.k1 == now.k1 &&
      k.k2 == now.k2 && k.p1 == now.p1 && k.p2 == now.p2 && k.k3 == now.k3)
    return;  // e.g. a dataset frame without jitter: keep the distortion map as it is
  const int max_dimension = static_cast<int>(r.context.max_image_dimension());
  ValidateIntrinsics(k, camera.name, max_dimension);
  DistortionMap map = MakeDistortionMap(k, max_dimension);
  if (map.canvas.width == target.map->canvas.width &&
      map.canvas.height == target.map->canvas.height) {
    // Same canvas: the images and framebuffers stay; only the projection and the map change
    // (frames in flight keep the map they were submitted with).
    target.map = std::make_shared<const DistortionMap>(std::move(map));
    target.camera.intrinsics = k;
    return;
  }
  TWIN_DEMAND(r.in_flight == 0);  // new device images: Collect() every frame first
  auto fresh = std::make_unique<CameraTarget>();
  fresh->camera = camera;
  fresh->camera.intrinsics = k;
  fresh->map = std::make_shared<const DistortionMap>(std::move(map));
  r.AllocateCamera(*fresh);
  r.DestroyCamera(target);
  r.cameras[index] = std::move(fresh);
}

int Renderer::camera_count() const {
  return static_cast<int>(impl_->cameras.size());
}
const RenderCamera& Renderer::camera(int index) const {
  return impl_->cameras.at(index)->camera;
}

void Renderer::SetCameraPose(int index, const std::array<double, 3>& position,
                             const std::array<double, 9>& rotation) {
  RenderCamera& camera = impl_->cameras.at(index)->camera;
  camera.position = position;
  camera.rotation = rotation;
}

void Renderer::Submit(const mjData* d, uint32_t modalities, uint64_t frame_index) {
  Impl& r = *impl_;
  TWIN_DEMAND(r.in_flight < kFramesInFlight);  // Collect() the oldest frame first
  TWIN_DEMAND((modalities & kAllModalities) != 0);
  const auto start = Clock::now();
  const int index = r.next_slot;
  Slot& slot = r.slots[index];
  FillInstances(r.m, d, r.labels, r.draw_list, r.texture_layers,
                static_cast<GpuInstance*>(slot.instances.mapped));
  // The shadow light of this frame: lights may have been switched since the last.
  const int shadow_light = r.shadow_size > 0 ? ShadowLight(r.m) : -1;
  float view_projection[16] = {}, shadow_matrix[16] = {};
  if (shadow_light >= 0) ShadowMatrices(r.m, d, shadow_light, view_projection, shadow_matrix);
  FillFrame(r.m, d, shadow_light, shadow_matrix, *static_cast<GpuFrame*>(slot.frame.mapped));
  r.Record(slot, index, d, modalities & kAllModalities, shadow_light, view_projection);

  VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
  submit.commandBufferCount = 1;
  submit.pCommandBuffers = &slot.cmd;
  VK_CHECK(vkQueueSubmit(r.context.queue(), 1, &submit, slot.fence));
  slot.busy = true;
  slot.modalities = modalities & kAllModalities;
  slot.frame_index = frame_index;
  slot.time = d->time;
  slot.submitted = Clock::now();
  r.times.upload = Ms(slot.submitted - start);
  r.next_slot = (r.next_slot + 1) % kFramesInFlight;
  ++r.in_flight;
}

std::vector<CameraFrame> Renderer::Collect() {
  Impl& r = *impl_;
  TWIN_DEMAND(r.in_flight > 0);  // Submit() first
  const int index = r.oldest_slot;
  Slot& slot = r.slots[index];
  VK_CHECK(vkWaitForFences(r.context.device(), 1, &slot.fence, VK_TRUE, UINT64_MAX));
  VK_CHECK(vkResetFences(r.context.device(), 1, &slot.fence));
  r.times.draw = Ms(Clock::now() - slot.submitted);
  r.times.readback = r.times.remap = 0;
  std::vector<CameraFrame> frames;
  for (auto& target : r.cameras) frames.push_back(r.Read(*target, index, slot));
  slot.busy = false;
  r.oldest_slot = (r.oldest_slot + 1) % kFramesInFlight;
  --r.in_flight;
  return frames;
}

std::vector<CameraFrame> Renderer::Render(const mjData* d, uint32_t modalities,
                                          uint64_t frame_index) {
  Submit(d, modalities, frame_index);
  return Collect();
}

int Renderer::in_flight() const {
  return impl_->in_flight;
}
const StageTimes& Renderer::stage_times() const {
  return impl_->times;
}
uint32_t Renderer::shadow_map_size() const {
  return impl_->shadow_size;
}
const SceneLabels& Renderer::labels() const {
  return impl_->labels;
}
Context& Renderer::context() {
  return impl_->context;
}

}  // namespace twin::render
