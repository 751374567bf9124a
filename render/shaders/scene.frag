#version 450

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

layout(push_constant) uniform Camera {
  mat4 view;
  vec4 projection;
  vec4 position;
} camera;

layout(location = 0) in vec3 in_world;
layout(location = 1) in vec3 in_world_normal;
layout(location = 2) in vec3 in_camera;
layout(location = 3) in vec2 in_uv;
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
float Shadow() {
  if (frame.counts.y < 0.5) return 1.0;
  vec3 s = in_shadow.xyz / in_shadow.w;
  if (s.x <= 0.0 || s.x >= 1.0 || s.y <= 0.0 || s.y >= 1.0 || s.z >= 1.0) return 1.0;
  // The sampler compares (lit: s.z <= stored depth) and weighs the four nearest texels bilinearly.
  return texture(shadow_map, s);
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
  vec3 n = normalize(in_world_normal);
  vec3 to_eye = normalize(camera.position.xyz - in_world);
  if (dot(n, to_eye) < 0.0) n = -n;  // back faces (open meshes, planes from below) face the eye

  vec3 albedo = in_color.rgb;
  if (in_material.w >= 0.0) albedo *= texture(textures, vec3(in_uv, in_material.w)).rgb;

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
  float main_shadow = Shadow();
  for (int i = 0; i < kLightCount; ++i) {
    Light light = frame.lights[i];
    vec3 to_light;
    float falloff = 1.0;
    if (light.position.w > 0.5) {
      to_light = -light.direction.xyz;
    } else {
      vec3 d = light.position.xyz - in_world;
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
  out_depth = in_camera.z;
  out_ids = in_ids;
  vec3 n_camera = normalize(mat3(camera.view) * n);
  out_normal = vec4(n_camera, 0.0);
}
