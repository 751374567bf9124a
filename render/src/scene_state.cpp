#include "scene_state.h"

#include <twin/render/renderer.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstring>

#include "geometry.h"

namespace twin::render {
namespace {

// What a geom without a material gets (MuJoCo's mjsMaterial defaults).
constexpr float kDefaultSpecular = 0.5f, kDefaultShininess = 0.5f;
// Size of an infinite plane (MJCF size 0): far beyond any site, still finite for the rasterizer.
constexpr float kInfinitePlane = 1000.0f;

bool IsDefaultRgba(const float* rgba) {
  return rgba[0] == 0.5f && rgba[1] == 0.5f && rgba[2] == 0.5f && rgba[3] == 1.0f;
}

using Mat4 = Eigen::Matrix4f;

Mat4 LookAlong(const Eigen::Vector3f& eye, Eigen::Vector3f forward) {
  forward.normalize();
  Eigen::Vector3f up =
      std::abs(forward.z()) < 0.99f ? Eigen::Vector3f(0, 0, 1) : Eigen::Vector3f(1, 0, 0);
  Eigen::Vector3f right = forward.cross(up).normalized();
  Eigen::Vector3f down = forward.cross(right);
  Mat4 view = Mat4::Identity();
  view.block<1, 3>(0, 0) = right.transpose();
  view.block<1, 3>(1, 0) = down.transpose();
  view.block<1, 3>(2, 0) = forward.transpose();
  view.block<3, 1>(0, 3) = -view.block<3, 3>(0, 0) * eye;
  return view;
}

}  // namespace

float SrgbToLinear(float c) {
  return c <= 0.04045f ? c / 12.92f : std::pow((c + 0.055f) / 1.055f, 2.4f);
}

DrawList MakeDrawList(const mjModel* m) {
  std::vector<std::vector<int>> by_shape;
  for (int g = 0; g < m->ngeom; ++g) {
    if (m->geom_group[g] < 0 || m->geom_group[g] >= kVisibleGeomGroups) continue;
    const int mat = m->geom_matid[g];
    const float alpha = mat >= 0 && IsDefaultRgba(m->geom_rgba + 4 * g) ? m->mat_rgba[4 * mat + 3]
                                                                        : m->geom_rgba[4 * g + 3];
    if (alpha <= 0) continue;
    const int shape = ShapeOfGeom(m, g);
    if (shape < 0) continue;
    if (shape >= static_cast<int>(by_shape.size())) by_shape.resize(shape + 1);
    by_shape[shape].push_back(g);
  }
  DrawList list;
  for (size_t shape = 0; shape < by_shape.size(); ++shape) {
    if (by_shape[shape].empty()) continue;
    list.groups.push_back({static_cast<int>(shape), static_cast<uint32_t>(list.geoms.size()),
                           static_cast<uint32_t>(by_shape[shape].size())});
    list.geoms.insert(list.geoms.end(), by_shape[shape].begin(), by_shape[shape].end());
  }
  return list;
}

std::vector<int> TextureLayers(const mjModel* m) {
  std::vector<int> layers(m->ntex, -1);
  int next = 0;
  for (int t = 0; t < m->ntex; ++t)
    if (m->tex_type[t] != mjTEXTURE_SKYBOX) layers[t] = next++;
  return layers;
}

std::vector<uint8_t> TextureTexels(const mjModel* m, const std::vector<int>& layers) {
  const int count =
      static_cast<int>(std::count_if(layers.begin(), layers.end(), [](int l) { return l >= 0; }));
  const size_t layer_size = static_cast<size_t>(kTextureSize) * kTextureSize * 4;
  std::vector<uint8_t> texels(std::max(count, 1) * layer_size, 255);
  for (int t = 0; t < m->ntex; ++t) {
    if (layers[t] < 0) continue;
    // A cube texture stores its six faces one above the other; every face of a box shows the
    // first (MuJoCo's builtin cube textures have identical faces).
    const int w = m->tex_width[t];
    const int h =
        m->tex_type[t] == mjTEXTURE_CUBE ? std::min(m->tex_height[t], w) : m->tex_height[t];
    const mjtByte* src = m->tex_rgb + m->tex_adr[t];
    uint8_t* dst = texels.data() + layers[t] * layer_size;
    for (uint32_t y = 0; y < kTextureSize; ++y)
      for (uint32_t x = 0; x < kTextureSize; ++x) {
        const float sx = std::clamp((x + 0.5f) * w / kTextureSize - 0.5f, 0.f, w - 1.f);
        const float sy = std::clamp((y + 0.5f) * h / kTextureSize - 0.5f, 0.f, h - 1.f);
        const int x0 = static_cast<int>(sx), y0 = static_cast<int>(sy);
        const int x1 = std::min(x0 + 1, w - 1), y1 = std::min(y0 + 1, h - 1);
        const float fx = sx - x0, fy = sy - y0;
        for (int c = 0; c < 3; ++c) {
          auto at = [&](int xx, int yy) { return static_cast<float>(src[3 * (yy * w + xx) + c]); };
          const float v = (at(x0, y0) * (1 - fx) + at(x1, y0) * fx) * (1 - fy) +
                          (at(x0, y1) * (1 - fx) + at(x1, y1) * fx) * fy;
          dst[4 * (y * kTextureSize + x) + c] = static_cast<uint8_t>(std::lround(v));
        }
        dst[4 * (y * kTextureSize + x) + 3] = 255;
      }
  }
  return texels;
}

void FillInstances(const mjModel* m, const mjData* d, const SceneLabels& labels,
                   const DrawList& list, const std::vector<int>& texture_layers, GpuInstance* out) {
  for (size_t i = 0; i < list.geoms.size(); ++i) {
    const int g = list.geoms[i];
    GpuInstance& inst = out[i];
    const mjtNum* xmat = d->geom_xmat + 9 * g;
    const mjtNum* xpos = d->geom_xpos + 3 * g;
    for (int r = 0; r < 3; ++r) {
      for (int c = 0; c < 3; ++c) inst.rows[r][c] = static_cast<float>(xmat[3 * r + c]);
      inst.rows[r][3] = static_cast<float>(xpos[r]);
    }
    const mjtNum* s = m->geom_size + 3 * g;
    float size[4] = {1, 1, 1, 0};
    switch (m->geom_type[g]) {
      case mjGEOM_PLANE:
        size[0] = s[0] > 0 ? static_cast<float>(s[0]) : kInfinitePlane;
        size[1] = s[1] > 0 ? static_cast<float>(s[1]) : kInfinitePlane;
        break;
      case mjGEOM_SPHERE: size[0] = size[1] = size[2] = static_cast<float>(s[0]); break;
      case mjGEOM_CAPSULE:
        size[0] = size[1] = size[2] = static_cast<float>(s[0]);
        size[3] = static_cast<float>(s[1]);
        break;
      case mjGEOM_CYLINDER:
        size[0] = size[1] = static_cast<float>(s[0]);
        size[2] = static_cast<float>(s[1]);
        break;
      case mjGEOM_ELLIPSOID:
      case mjGEOM_BOX:
        for (int k = 0; k < 3; ++k) size[k] = static_cast<float>(s[k]);
        break;
      default: break;  // meshes are drawn at their own size
    }
    std::memcpy(inst.size, size, sizeof size);

    const int mat = m->geom_matid[g];
    const float* rgba = mat >= 0 && IsDefaultRgba(m->geom_rgba + 4 * g) ? m->mat_rgba + 4 * mat
                                                                        : m->geom_rgba + 4 * g;
    for (int c = 0; c < 3; ++c) inst.color[c] = SrgbToLinear(rgba[c]);
    inst.color[3] = rgba[3];
    const int tex = mat >= 0 ? m->mat_texid[mat] : -1;
    inst.material[0] = mat >= 0 ? m->mat_emission[mat] : 0;
    inst.material[1] = mat >= 0 ? m->mat_specular[mat] : kDefaultSpecular;
    inst.material[2] = mat >= 0 ? m->mat_shininess[mat] : kDefaultShininess;
    inst.material[3] = tex >= 0 ? static_cast<float>(texture_layers[tex]) : -1.f;
    inst.uv[0] = mat >= 0 ? m->mat_texrepeat[2 * mat] : 1;
    inst.uv[1] = mat >= 0 ? m->mat_texrepeat[2 * mat + 1] : 1;
    inst.uv[2] = m->geom_type[g] == mjGEOM_PLANE ? 1.f : 0.f;
    inst.uv[3] = mat >= 0 && m->mat_texuniform[mat] ? 1.f : 0.f;
    inst.ids[0] = labels.geom_instance[g] | static_cast<uint32_t>(labels.geom_class[g]) << 16;
    inst.ids[1] = ExactShapeOfGeom(m, g);
    inst.ids[2] = inst.ids[3] = 0;
  }
}

int ShadowLight(const mjModel* m) {
  int best = -1;
  float brightest = -1;
  for (int l = 0; l < std::min(m->nlight, kMaxLights); ++l) {  // the lights the shader shades
    if (!m->light_active[l] || !m->light_castshadow[l]) continue;
    // Rec. 709 luminance of the linear diffuse colour.
    const float* c = m->light_diffuse + 3 * l;
    const float luminance = 0.2126f * c[0] + 0.7152f * c[1] + 0.0722f * c[2];
    if (luminance > brightest) best = l, brightest = luminance;
  }
  return best;
}

uint32_t ShadowMapSize(const mjModel* m, uint32_t max_dimension) {
  bool casts = false;
  for (int l = 0; l < std::min(m->nlight, kMaxLights); ++l) casts = casts || m->light_castshadow[l];
  if (!casts || m->vis.quality.shadowsize <= 0) return 0;
  return std::min(static_cast<uint32_t>(m->vis.quality.shadowsize), max_dimension);
}

void ShadowMatrices(const mjModel* m, const mjData* d, int light, float view_projection[16],
                    float shadow_matrix[16]) {
  const Eigen::Vector3f centre(static_cast<float>(m->stat.center[0]),
                               static_cast<float>(m->stat.center[1]),
                               static_cast<float>(m->stat.center[2]));
  const float extent = static_cast<float>(m->stat.extent);
  const Eigen::Vector3f dir(static_cast<float>(d->light_xdir[3 * light]),
                            static_cast<float>(d->light_xdir[3 * light + 1]),
                            static_cast<float>(d->light_xdir[3 * light + 2]));
  Mat4 proj = Mat4::Zero();
  Mat4 view;
  if (m->light_directional[light]) {
    // Orthographic box around the model, depth [0, 1] over 4 extents along the light.
    view = LookAlong(centre - 2 * extent * dir.normalized(), dir);
    proj(0, 0) = 1 / extent;
    proj(1, 1) = 1 / extent;
    proj(2, 2) = 1 / (4 * extent);
    proj(3, 3) = 1;
  } else {
    const Eigen::Vector3f eye(static_cast<float>(d->light_xpos[3 * light]),
                              static_cast<float>(d->light_xpos[3 * light + 1]),
                              static_cast<float>(d->light_xpos[3 * light + 2]));
    view = LookAlong(eye, dir);
    const float half = std::min(m->light_cutoff[light], 80.f) * static_cast<float>(M_PI) / 180;
    const float f = 1 / std::tan(half);
    const float near = 0.05f, far = (eye - centre).norm() + 4 * extent;
    proj(0, 0) = f;
    proj(1, 1) = f;
    proj(2, 2) = far / (far - near);
    proj(2, 3) = -far * near / (far - near);
    proj(3, 2) = 1;
  }
  const Mat4 vp = proj * view;
  Mat4 bias = Mat4::Identity();
  bias(0, 0) = bias(1, 1) = 0.5f;
  bias(0, 3) = bias(1, 3) = 0.5f;
  Mat4 sm = bias * vp;
  // The constant part of the depth bias: compared depth = z / w - kShadowConstantBias.
  sm.row(2) -= kShadowConstantBias * sm.row(3);
  std::memcpy(view_projection, vp.data(), 16 * sizeof(float));  // Eigen is column-major
  std::memcpy(shadow_matrix, sm.data(), 16 * sizeof(float));
}

void FillFrame(const mjModel* m, const mjData* d, int shadow_light, const float shadow_matrix[16],
               GpuFrame& out) {
  std::memset(&out, 0, sizeof out);
  std::memcpy(out.shadow_matrix, shadow_matrix, sizeof out.shadow_matrix);
  // Every light of the model, up to kMaxLights, in model order (the shader's loop is fixed at
  // pipeline creation); one switched off shines with zero colour.
  const int count = std::min(m->nlight, kMaxLights);
  for (int l = 0; l < count; ++l) {
    GpuLight& light = out.lights[l];
    const float on = m->light_active[l] ? 1.f : 0.f;
    for (int k = 0; k < 3; ++k) {
      light.position[k] = static_cast<float>(d->light_xpos[3 * l + k]);
      light.direction[k] = static_cast<float>(d->light_xdir[3 * l + k]);
      light.diffuse[k] = on * m->light_diffuse[3 * l + k];
      light.ambient[k] = on * m->light_ambient[3 * l + k];
      light.specular[k] = on * m->light_specular[3 * l + k];
      light.attenuation[k] = m->light_attenuation[3 * l + k];
    }
    light.position[3] = m->light_directional[l] ? 1.f : 0.f;
    // MuJoCo's cutoff is the spot's half angle in degrees; 180 or more means no cone.
    light.direction[3] = m->light_cutoff[l] < 180
                             ? std::cos(m->light_cutoff[l] * static_cast<float>(M_PI) / 180)
                             : -2.f;
    light.diffuse[3] = m->light_exponent[l];
    light.ambient[3] = l == shadow_light ? 1.f : 0.f;
  }
  out.counts[0] = static_cast<float>(count);
  out.counts[1] = shadow_light >= 0 ? 1.f : 0.f;
  out.counts[2] = m->vis.headlight.active ? 1.f : 0.f;
  for (int k = 0; k < 3; ++k) {
    out.headlight_ambient[k] = m->vis.headlight.ambient[k];
    out.headlight_diffuse[k] = m->vis.headlight.diffuse[k];
    out.headlight_specular[k] = m->vis.headlight.specular[k];
  }
}

}  // namespace twin::render
