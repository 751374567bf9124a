#include "pipelines.h"

#include <array>
#include <vector>

#include <twin/render/renderer.h>

#include "geometry.h"
#include "geometry_frag.h"
#include "geometry_ray_frag.h"
#include "geometry_ray_vert.h"
#include "geometry_vert.h"
#include "scene_frag.h"
#include "scene_ray_frag.h"
#include "scene_ray_vert.h"
#include "scene_vert.h"
#include "shadow_vert.h"
#include "vk_check.h"
#include "vk_constants.h"

namespace twin::render {
namespace {

VkShaderModule MakeModule(Context& context, const uint32_t* code, size_t bytes) {
  VkShaderModuleCreateInfo info{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
  info.codeSize = bytes;
  info.pCode = code;
  VkShaderModule module;
  VK_CHECK(vkCreateShaderModule(context.device(), &info, nullptr, &module));
  return module;
}

// The attachments of the scene pass, in the order of the fragment shader's outputs.
constexpr std::array<std::pair<uint32_t, VkFormat>, 4> kColorOutputs = {{
    {kRgb, kColorFormat},
    {kDepth, kDepthOutFormat},
    {kLabels, kIdFormat},
    {kNormal, kNormalFormat},
}};

// An attachment cleared at the start of its pass; `store` keeps what the pass wrote.
VkAttachmentDescription ClearedAttachment(VkFormat format, bool store, VkImageLayout final_layout) {
  VkAttachmentDescription a{};
  a.format = format;
  a.samples = VK_SAMPLE_COUNT_1_BIT;
  a.loadOp = VK_ATTACHMENT_LOAD_OP_CLEAR;
  a.storeOp = store ? VK_ATTACHMENT_STORE_OP_STORE : VK_ATTACHMENT_STORE_OP_DONT_CARE;
  a.stencilLoadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE;
  a.stencilStoreOp = VK_ATTACHMENT_STORE_OP_DONT_CARE;
  a.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
  a.finalLayout = final_layout;
  return a;
}

// What a pipeline draws, which decides its vertex inputs: positions only (shadow map, and the
// proxies of ray-cast shapes), everything (shaded scene), or no uv (the scene without RGB, whose
// vertex shader reads no uv).
enum class PipelineKind { kShadow, kShaded, kGeometry, kShadedRay, kGeometryRay };

VkPipeline MakePipeline(Context& context, VkPipelineLayout layout, VkRenderPass pass,
                        VkShaderModule vert, VkShaderModule frag, PipelineKind kind,
                        int light_count) {
  const bool shadow = kind == PipelineKind::kShadow;
  const VkSpecializationMapEntry light_count_entry{0, 0, sizeof(int32_t)};
  const int32_t light_count_value = light_count;
  const VkSpecializationInfo specialization{1, &light_count_entry, sizeof light_count_value,
                                            &light_count_value};
  std::vector<VkPipelineShaderStageCreateInfo> stages;
  VkPipelineShaderStageCreateInfo stage{VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO};
  stage.stage = VK_SHADER_STAGE_VERTEX_BIT;
  stage.module = vert;
  stage.pName = "main";
  stages.push_back(stage);
  if (frag) {
    stage.stage = VK_SHADER_STAGE_FRAGMENT_BIT;
    stage.module = frag;
    if (kind == PipelineKind::kShaded || kind == PipelineKind::kShadedRay)
      stage.pSpecializationInfo = &specialization;
    stages.push_back(stage);
  }

  VkVertexInputBindingDescription binding{0, sizeof(Vertex), VK_VERTEX_INPUT_RATE_VERTEX};
  std::vector<VkVertexInputAttributeDescription> attributes = {
      {0, 0, VK_FORMAT_R32G32B32_SFLOAT, offsetof(Vertex, position)},
      {3, 0, VK_FORMAT_R32_SFLOAT, offsetof(Vertex, cap)}};
  const bool rasterized = kind == PipelineKind::kShaded || kind == PipelineKind::kGeometry;
  if (rasterized)
    attributes.push_back({1, 0, VK_FORMAT_R32G32B32_SFLOAT, offsetof(Vertex, normal)});
  if (kind == PipelineKind::kShaded)
    attributes.push_back({2, 0, VK_FORMAT_R32G32_SFLOAT, offsetof(Vertex, uv)});
  VkPipelineVertexInputStateCreateInfo vertex_input{
      VK_STRUCTURE_TYPE_PIPELINE_VERTEX_INPUT_STATE_CREATE_INFO};
  vertex_input.vertexBindingDescriptionCount = 1;
  vertex_input.pVertexBindingDescriptions = &binding;
  vertex_input.vertexAttributeDescriptionCount = static_cast<uint32_t>(attributes.size());
  vertex_input.pVertexAttributeDescriptions = attributes.data();

  VkPipelineInputAssemblyStateCreateInfo assembly{
      VK_STRUCTURE_TYPE_PIPELINE_INPUT_ASSEMBLY_STATE_CREATE_INFO};
  assembly.topology = VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST;
  VkPipelineViewportStateCreateInfo viewport{VK_STRUCTURE_TYPE_PIPELINE_VIEWPORT_STATE_CREATE_INFO};
  viewport.viewportCount = 1;
  viewport.scissorCount = 1;

  VkPipelineRasterizationStateCreateInfo raster{
      VK_STRUCTURE_TYPE_PIPELINE_RASTERIZATION_STATE_CREATE_INFO};
  raster.polygonMode = VK_POLYGON_MODE_FILL;
  // No culling: MuJoCo meshes do not promise a winding, and both sides of a plane are visible.
  raster.cullMode = VK_CULL_MODE_NONE;
  raster.frontFace = VK_FRONT_FACE_COUNTER_CLOCKWISE;
  raster.lineWidth = 1.0f;
  if (shadow) {
    raster.depthBiasEnable = VK_TRUE;
    raster.depthBiasSlopeFactor = kShadowSlopeBias;
  }
  VkPipelineMultisampleStateCreateInfo multisample{
      VK_STRUCTURE_TYPE_PIPELINE_MULTISAMPLE_STATE_CREATE_INFO};
  multisample.rasterizationSamples = VK_SAMPLE_COUNT_1_BIT;

  VkPipelineDepthStencilStateCreateInfo depth{
      VK_STRUCTURE_TYPE_PIPELINE_DEPTH_STENCIL_STATE_CREATE_INFO};
  depth.depthTestEnable = VK_TRUE;
  depth.depthWriteEnable = VK_TRUE;
  // Scene: reversed Z (near = 1). Shadow map: ordinary [0, 1] depth.
  depth.depthCompareOp = shadow ? VK_COMPARE_OP_LESS : VK_COMPARE_OP_GREATER;

  std::array<VkPipelineColorBlendAttachmentState, 4> blend{};
  for (auto& b : blend) b.colorWriteMask = 0xF;
  VkPipelineColorBlendStateCreateInfo color{
      VK_STRUCTURE_TYPE_PIPELINE_COLOR_BLEND_STATE_CREATE_INFO};
  color.attachmentCount = shadow ? 0 : static_cast<uint32_t>(blend.size());
  color.pAttachments = blend.data();

  const VkDynamicState dynamic_states[] = {VK_DYNAMIC_STATE_VIEWPORT, VK_DYNAMIC_STATE_SCISSOR};
  VkPipelineDynamicStateCreateInfo dynamic{VK_STRUCTURE_TYPE_PIPELINE_DYNAMIC_STATE_CREATE_INFO};
  dynamic.dynamicStateCount = 2;
  dynamic.pDynamicStates = dynamic_states;

  VkGraphicsPipelineCreateInfo info{VK_STRUCTURE_TYPE_GRAPHICS_PIPELINE_CREATE_INFO};
  info.stageCount = static_cast<uint32_t>(stages.size());
  info.pStages = stages.data();
  info.pVertexInputState = &vertex_input;
  info.pInputAssemblyState = &assembly;
  info.pViewportState = &viewport;
  info.pRasterizationState = &raster;
  info.pMultisampleState = &multisample;
  info.pDepthStencilState = &depth;
  info.pColorBlendState = &color;
  info.pDynamicState = &dynamic;
  info.layout = layout;
  info.renderPass = pass;
  VkPipeline pipeline;
  VK_CHECK(
      vkCreateGraphicsPipelines(context.device(), VK_NULL_HANDLE, 1, &info, nullptr, &pipeline));
  return pipeline;
}

}  // namespace

Pipelines::Pipelines(Context& context, int light_count)
    : context_(context), light_count_(light_count) {
  VkDevice device = context.device();
  const VkDescriptorSetLayoutBinding bindings[] = {
      {0, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, 1,
       VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, nullptr},
      {1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1,
       VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, nullptr},
      {2, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 1, VK_SHADER_STAGE_FRAGMENT_BIT, nullptr},
      {3, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 1, VK_SHADER_STAGE_FRAGMENT_BIT, nullptr},
  };
  VkDescriptorSetLayoutCreateInfo set_info{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
  set_info.bindingCount = 4;
  set_info.pBindings = bindings;
  VK_CHECK(vkCreateDescriptorSetLayout(device, &set_info, nullptr, &set_layout_));

  VkPushConstantRange push{VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, 0,
                           sizeof(CameraPush)};
  VkPipelineLayoutCreateInfo layout_info{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
  layout_info.setLayoutCount = 1;
  layout_info.pSetLayouts = &set_layout_;
  layout_info.pushConstantRangeCount = 1;
  layout_info.pPushConstantRanges = &push;
  VK_CHECK(vkCreatePipelineLayout(device, &layout_info, nullptr, &layout_));

  scene_vert_ = MakeModule(context, k_scene_vert_spv, sizeof k_scene_vert_spv);
  scene_frag_ = MakeModule(context, k_scene_frag_spv, sizeof k_scene_frag_spv);
  geometry_vert_ = MakeModule(context, k_geometry_vert_spv, sizeof k_geometry_vert_spv);
  geometry_frag_ = MakeModule(context, k_geometry_frag_spv, sizeof k_geometry_frag_spv);
  scene_ray_vert_ = MakeModule(context, k_scene_ray_vert_spv, sizeof k_scene_ray_vert_spv);
  scene_ray_frag_ = MakeModule(context, k_scene_ray_frag_spv, sizeof k_scene_ray_frag_spv);
  geometry_ray_vert_ = MakeModule(context, k_geometry_ray_vert_spv, sizeof k_geometry_ray_vert_spv);
  geometry_ray_frag_ = MakeModule(context, k_geometry_ray_frag_spv, sizeof k_geometry_ray_frag_spv);
  shadow_vert_ = MakeModule(context, k_shadow_vert_spv, sizeof k_shadow_vert_spv);

  // Shadow pass: depth only, into an image left ready for sampling.
  const VkAttachmentDescription attachments[1] = {
      ClearedAttachment(kShadowFormat, true, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL)};
  VkAttachmentReference depth_ref{0, VK_IMAGE_LAYOUT_DEPTH_STENCIL_ATTACHMENT_OPTIMAL};
  VkSubpassDescription subpass{};
  subpass.pipelineBindPoint = VK_PIPELINE_BIND_POINT_GRAPHICS;
  subpass.pDepthStencilAttachment = &depth_ref;
  // Before: the previous frame's scene passes must be done reading the map. After: they read it.
  constexpr VkPipelineStageFlags kDepthTests =
      VK_PIPELINE_STAGE_EARLY_FRAGMENT_TESTS_BIT | VK_PIPELINE_STAGE_LATE_FRAGMENT_TESTS_BIT;
  VkSubpassDependency dependencies[2] = {};
  dependencies[0] = {
      VK_SUBPASS_EXTERNAL,
      0,
      VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT,
      kDepthTests,
      VK_ACCESS_SHADER_READ_BIT,
      VK_ACCESS_DEPTH_STENCIL_ATTACHMENT_READ_BIT | VK_ACCESS_DEPTH_STENCIL_ATTACHMENT_WRITE_BIT,
      0};
  dependencies[1] = {0,
                     VK_SUBPASS_EXTERNAL,
                     kDepthTests,
                     VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT,
                     VK_ACCESS_DEPTH_STENCIL_ATTACHMENT_WRITE_BIT,
                     VK_ACCESS_SHADER_READ_BIT,
                     0};
  VkRenderPassCreateInfo pass_info{VK_STRUCTURE_TYPE_RENDER_PASS_CREATE_INFO};
  pass_info.attachmentCount = 1;
  pass_info.pAttachments = attachments;
  pass_info.subpassCount = 1;
  pass_info.pSubpasses = &subpass;
  pass_info.dependencyCount = 2;
  pass_info.pDependencies = dependencies;
  VK_CHECK(vkCreateRenderPass(device, &pass_info, nullptr, &shadow_pass_));
  shadow_pipeline_ = MakePipeline(context, layout_, shadow_pass_, shadow_vert_, VK_NULL_HANDLE,
                                  PipelineKind::kShadow, 0);
}

const ScenePass& Pipelines::Scene(uint32_t modalities) {
  if (auto it = scene_.find(modalities); it != scene_.end()) return it->second;

  std::vector<VkAttachmentDescription> attachments;
  std::array<VkAttachmentReference, 4> color_refs;
  for (size_t i = 0; i < kColorOutputs.size(); ++i) {
    if (!(modalities & kColorOutputs[i].first)) {
      color_refs[i] = {VK_ATTACHMENT_UNUSED, VK_IMAGE_LAYOUT_UNDEFINED};
      continue;
    }
    color_refs[i] = {static_cast<uint32_t>(attachments.size()),
                     VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL};
    attachments.push_back(
        ClearedAttachment(kColorOutputs[i].second, true, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL));
  }
  VkAttachmentReference depth_ref{static_cast<uint32_t>(attachments.size()),
                                  VK_IMAGE_LAYOUT_DEPTH_STENCIL_ATTACHMENT_OPTIMAL};
  attachments.push_back(ClearedAttachment(kDepthBufferFormat, false,
                                          VK_IMAGE_LAYOUT_DEPTH_STENCIL_ATTACHMENT_OPTIMAL));

  VkSubpassDescription subpass{};
  subpass.pipelineBindPoint = VK_PIPELINE_BIND_POINT_GRAPHICS;
  subpass.colorAttachmentCount = static_cast<uint32_t>(color_refs.size());
  subpass.pColorAttachments = color_refs.data();
  subpass.pDepthStencilAttachment = &depth_ref;
  // Before: the previous frame's copies out of these images must finish. After: copies read.
  VkSubpassDependency dependencies[2] = {};
  dependencies[0] = {
      VK_SUBPASS_EXTERNAL,
      0,
      VK_PIPELINE_STAGE_TRANSFER_BIT,
      VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT | VK_PIPELINE_STAGE_EARLY_FRAGMENT_TESTS_BIT,
      VK_ACCESS_TRANSFER_READ_BIT,
      VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT | VK_ACCESS_DEPTH_STENCIL_ATTACHMENT_WRITE_BIT,
      0};
  dependencies[1] = {0,
                     VK_SUBPASS_EXTERNAL,
                     VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT,
                     VK_PIPELINE_STAGE_TRANSFER_BIT,
                     VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT,
                     VK_ACCESS_TRANSFER_READ_BIT,
                     0};
  VkRenderPassCreateInfo pass_info{VK_STRUCTURE_TYPE_RENDER_PASS_CREATE_INFO};
  pass_info.attachmentCount = static_cast<uint32_t>(attachments.size());
  pass_info.pAttachments = attachments.data();
  pass_info.subpassCount = 1;
  pass_info.pSubpasses = &subpass;
  pass_info.dependencyCount = 2;
  pass_info.pDependencies = dependencies;
  ScenePass pass;
  VK_CHECK(vkCreateRenderPass(context_.device(), &pass_info, nullptr, &pass.render_pass));
  // Without RGB nothing is shaded: the geometry-only shaders write the same depth, ids and normals.
  const bool shaded = modalities & kRgb;
  pass.pipeline =
      MakePipeline(context_, layout_, pass.render_pass, shaded ? scene_vert_ : geometry_vert_,
                   shaded ? scene_frag_ : geometry_frag_,
                   shaded ? PipelineKind::kShaded : PipelineKind::kGeometry, light_count_);
  pass.ray_pipeline = MakePipeline(
      context_, layout_, pass.render_pass, shaded ? scene_ray_vert_ : geometry_ray_vert_,
      shaded ? scene_ray_frag_ : geometry_ray_frag_,
      shaded ? PipelineKind::kShadedRay : PipelineKind::kGeometryRay, light_count_);
  return scene_[modalities] = pass;
}

Pipelines::~Pipelines() {
  VkDevice device = context_.device();
  for (auto& [mask, pass] : scene_) {
    vkDestroyPipeline(device, pass.pipeline, nullptr);
    vkDestroyPipeline(device, pass.ray_pipeline, nullptr);
    vkDestroyRenderPass(device, pass.render_pass, nullptr);
  }
  vkDestroyPipeline(device, shadow_pipeline_, nullptr);
  vkDestroyRenderPass(device, shadow_pass_, nullptr);
  vkDestroyShaderModule(device, scene_vert_, nullptr);
  vkDestroyShaderModule(device, scene_frag_, nullptr);
  vkDestroyShaderModule(device, geometry_vert_, nullptr);
  vkDestroyShaderModule(device, geometry_frag_, nullptr);
  for (VkShaderModule module :
       {scene_ray_vert_, scene_ray_frag_, geometry_ray_vert_, geometry_ray_frag_})
    vkDestroyShaderModule(device, module, nullptr);
  vkDestroyShaderModule(device, shadow_vert_, nullptr);
  vkDestroyPipelineLayout(device, layout_, nullptr);
  vkDestroyDescriptorSetLayout(device, set_layout_, nullptr);
}

}  // namespace twin::render
