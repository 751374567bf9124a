#version 450
#extension GL_GOOGLE_include_directive : require
#include "camera.glsl"
#include "pixel_ray.glsl"
#ifdef TWIN_RAY_CAST
#include "ray_cast.glsl"
#endif

// The scene pass without RGB (depth, ids and normals only, e.g. for a lidar): the same outputs as
// scene.frag and no shading, which is most of a CPU device's work per pixel. Its vertex shader is
// scene.vert (ray.vert with TWIN_RAY_CAST) built with TWIN_GEOMETRY_ONLY (exactly the inputs
// below). Depth, ids and normals are computed as scene.frag computes them, so the two agree bit
// for bit.
#ifndef TWIN_RAY_CAST
layout(location = 0) in vec3 in_world;
layout(location = 1) in vec3 in_world_normal;
layout(location = 2) in vec3 in_camera;
layout(location = 14) flat in vec4 in_face;
#endif
layout(location = 4) flat in uint in_ids;

layout(location = 0) out vec4 out_color;
layout(location = 1) out float out_depth;
layout(location = 2) out uint out_ids;
layout(location = 3) out vec4 out_normal;

void main() {
#ifdef TWIN_RAY_CAST
  RayHit hit = CastPixelRay();  // discards where the ray misses the shape
  gl_FragDepth = camera.position.w / hit.depth;
  float depth = hit.depth;
  vec3 n_camera = hit.normal_camera;
#else
  vec3 n = normalize(in_world_normal);
  vec3 to_eye = normalize(camera.position.xyz - in_world);
  if (dot(n, to_eye) < 0.0) n = -n;  // face the eye, as scene.frag does
  float depth = ExactDepth(in_face, in_camera.z);
  vec3 n_camera = normalize(mat3(camera.view) * n);
#endif
  out_color = vec4(0.0);
  out_depth = depth;
  out_ids = in_ids;
  out_normal = vec4(n_camera, 0.0);
}
