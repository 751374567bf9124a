// The per-frame data the shaders read, filled from mjModel/mjData on the CPU. The structs mirror
// the GLSL declarations in shaders/common.glsl and shaders/scene.frag (std430 / std140).
#pragma once

#include <mujoco/mujoco.h>

#include <array>
#include <cstdint>
#include <vector>

#include <twin/render/scene_labels.h>

#include "vk_constants.h"

namespace twin::render {

struct GpuInstance {
  float rows[3][4];
  float size[4];
  float color[4];
  float material[4];
  float uv[4];
  uint32_t ids[4];
};
static_assert(sizeof(GpuInstance) == 128);

struct GpuLight {
  float position[4];
  float direction[4];
  float diffuse[4];
  float ambient[4];
  float specular[4];
  float attenuation[4];
};

struct GpuFrame {
  float shadow_matrix[16];  // column-major, as GLSL reads a mat4
  float counts[4];
  float headlight_ambient[4];
  float headlight_diffuse[4];
  float headlight_specular[4];
  GpuLight lights[kMaxLights];
};

/// The geoms drawn, grouped by shape so each shape is one instanced draw.
struct DrawList {
  std::vector<int> geoms;  ///< instance slot i draws geom geoms[i]
  struct Group {
    int shape;
    uint32_t first_instance, count;
  };
  std::vector<Group> groups;
};

/// Visible geoms: groups 0-2 (MuJoCo's default), not fully transparent, of a drawable shape.
DrawList MakeDrawList(const mjModel* m);

/// Texture layer of each 2D-mappable texture (-1 for skyboxes), in the order uploaded.
std::vector<int> TextureLayers(const mjModel* m);

/// RGBA8 texels (kTextureSize^2 per layer) of every texture with a layer, resampled bilinearly.
std::vector<uint8_t> TextureTexels(const mjModel* m, const std::vector<int>& layers);

void FillInstances(const mjModel* m, const mjData* d, const SceneLabels& labels,
                   const DrawList& list, const std::vector<int>& texture_layers, GpuInstance* out);

/// Texels per side of the shadow map: the model's <visual><quality shadowsize> clamped to
/// `max_dimension`; 0 (no shadow map) when no light casts shadows or shadowsize is 0 or less.
uint32_t ShadowMapSize(const mjModel* m, uint32_t max_dimension);

/// World -> shadow map ([0,1]^2 and depth [0,1]) of light `light`; also the view-projection
/// (clip space) the shadow pass draws with. Column-major.
void ShadowMatrices(const mjModel* m, const mjData* d, int light, float view_projection[16],
                    float shadow_matrix[16]);

void FillFrame(const mjModel* m, const mjData* d, int shadow_light, const float shadow_matrix[16],
               GpuFrame& out);

/// sRGB-encoded colour component (MuJoCo's rgba) to linear light.
float SrgbToLinear(float c);

}  // namespace twin::render
