#version 450
#extension GL_GOOGLE_include_directive : require
#include "camera.glsl"
#include "pixel_ray.glsl"
#ifdef TWIN_RAY_CAST
#include "ray_cast.glsl"
#endif

// Built twice: as is for rasterized shapes (scene.vert), and with TWIN_RAY_CAST for the shapes
// drawn exactly by ray casting (ray.vert): then the surface comes from the ray's hit.
const int kMaxLights = 8;
// The model's light count, fixed when the pipeline is made: the loop below unrolls and every
// light is read with a constant index (a dynamic index costs a gather per value on a CPU device).
layout(constant_id = 0) const int kLightCount = 0;

struct Light {
  vec4 position;     // world; w 1 = directional
  vec4 direction;    // world, unit; w: cos(cutoff) (spot), -2 for no cutoff
  vec4 diffuse;      // rgb; w: spot exponent
  vec4 ambient;      // rgb; w 1 = this light casts the shadow map
  vec4 specular;     // rgb
  vec4 attenuation;  // constant, linear, quadratic
};

layout(std140, set = 0, binding = 0) uniform Frame {
  mat4 shadow_matrix;  // world -> shadow map [0,1]^2 x depth
  vec4 counts;         // x: lights, y: 1 = shadow map valid, z: headlight on, w: unused
  vec4 headlight_ambient;
  vec4 headlight_diffuse;
  vec4 headlight_specular;
  Light lights[kMaxLights];
} frame;

layout(set = 0, binding = 3) uniform sampler2DArray textures;
// Depth from the main light, read through a comparison sampler (linear: 2x2 PCF in one fetch).
layout(set = 0, binding = 2) uniform sampler2DShadow shadow_map;

#ifdef TWIN_RAY_CAST
layout(location = 2) in vec3 in_camera;  // the proxy's point on this pixel's ray
layout(location = 13) flat in vec4 in_shadow_eye;
#else
layout(location = 0) in vec3 in_world;
layout(location = 1) in vec3 in_world_normal;
layout(location = 2) in vec3 in_camera;
layout(location = 3) in vec2 in_uv;
layout(location = 14) flat in vec4 in_face;
#endif
layout(location = 4) flat in uint in_ids;
layout(location = 6) flat in vec4 in_color;
layout(location = 7) flat in vec4 in_material;  // emission, specular, shininess, texture layer
layout(location = 5) in vec4 in_shadow;

layout(location = 0) out vec4 out_color;
layout(location = 1) out float out_depth;
layout(location = 2) out uint out_ids;
layout(location = 3) out vec4 out_normal;

// The shadow coordinates come interpolated from the vertex shader: computing them here from the
// uniform matrix makes llvmpipe (Mesa 22.3) leak memory on every frame.
float Shadow(vec4 position) {
  if (frame.counts.y < 0.5) return 1.0;
  vec3 s = position.xyz / position.w;
  if (s.x <= 0.0 || s.x >= 1.0 || s.y <= 0.0 || s.y >= 1.0 || s.z >= 1.0) return 1.0;
  // The sampler compares (lit: s.z <= stored depth) and weighs the four nearest texels bilinearly
  // (one level: an explicit level 0 is what an implicit one gives, and needs no derivatives,
  // which a discarding shader does not have).
  return textureLod(shadow_map, s, 0.0);
}

// Lambert diffuse plus energy-normalized Blinn-Phong specular; `spec_scale` is the material's
// specular strength times the normalization (exponent + 8) / (8 pi).
vec3 Shade(vec3 albedo, vec3 n, vec3 to_eye, vec3 to_light, vec3 diffuse, vec3 specular,
           float spec_scale, float exponent) {
  float ndl = max(dot(n, to_light), 0.0);
  vec3 h = normalize(to_light + to_eye);
  float spec = spec_scale * exp2(exponent * log2(max(dot(n, h), 1e-30)));
  return (albedo * diffuse + specular * spec) * ndl;
}

void main() {
#ifdef TWIN_RAY_CAST
  RayHit hit = CastPixelRay();  // discards where the ray misses the shape
  gl_FragDepth = camera.position.w / hit.depth;  // reversed Z, as scene.vert projects
  vec3 world = hit.world, n = hit.normal_world, to_eye = hit.to_eye;
  vec2 uv = hit.uv;
  float depth = hit.depth;
  vec3 n_camera = hit.normal_camera;
  // The shadow position is affine in the world position, and the hit and the proxy's point lie on
  // one ray from the eye: scale the step from the eye's position.
  vec4 shadow_position = in_shadow_eye + (depth / in_camera.z) * (in_shadow - in_shadow_eye);
#else
  vec3 world = in_world;
  vec3 n = normalize(in_world_normal);
  vec3 to_eye = normalize(camera.position.xyz - in_world);
  if (dot(n, to_eye) < 0.0) n = -n;  // back faces (open meshes, planes from below) face the eye
  vec2 uv = in_uv;
  float depth = ExactDepth(in_face, in_camera.z);
  vec3 n_camera = normalize(mat3(camera.view) * n);
  vec4 shadow_position = in_shadow;
#endif

  vec3 albedo = in_color.rgb;
  if (in_material.w >= 0.0) albedo *= textureLod(textures, vec3(uv, in_material.w), 0.0).rgb;

  vec3 color = albedo * in_material.x;  // emission
  // Per geom (flat inputs), so computed once here, not per light.
  float exponent = max(in_material.z * 128.0, 1.0);
  float spec_scale = in_material.y * (exponent + 8.0) / 25.13;
  if (frame.counts.z > 0.5) {
    // MuJoCo's headlight: a directional light from the camera, so the half vector is the eye
    // direction and one dot product serves diffuse and specular (Shade with to_light = to_eye).
    float nde = max(dot(n, to_eye), 1e-30);
    float spec = spec_scale * exp2(exponent * log2(nde));
    color += albedo * frame.headlight_ambient.rgb +
             (albedo * frame.headlight_diffuse.rgb + frame.headlight_specular.rgb * spec) * nde;
  }
  float main_shadow = Shadow(shadow_position);
  for (int i = 0; i < kLightCount; ++i) {
    Light light = frame.lights[i];
    vec3 to_light;
    float falloff = 1.0;
    if (light.position.w > 0.5) {
      to_light = -light.direction.xyz;
    } else {
      vec3 d = light.position.xyz - world;
      float dist = length(d);
      to_light = d / dist;
      falloff = 1.0 / (light.attenuation.x + light.attenuation.y * dist +
                       light.attenuation.z * dist * dist);
      float cos_angle = dot(-to_light, light.direction.xyz);
      if (light.direction.w > -1.5) {
        if (cos_angle < light.direction.w) falloff = 0.0;
        else falloff *= pow(max(cos_angle, 0.0), light.diffuse.w);
      }
    }
    float shadow = light.ambient.w > 0.5 ? main_shadow : 1.0;
    color += albedo * light.ambient.rgb +
             falloff * shadow *
                 Shade(albedo, n, to_eye, to_light, light.diffuse.rgb, light.specular.rgb,
                       spec_scale, exponent);
  }

  out_color = vec4(color, 1.0);  // the sRGB attachment encodes
  out_depth = depth;
  out_ids = in_ids;
  out_normal = vec4(n_camera, 0.0);
}
