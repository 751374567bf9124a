#version 450

// The scene pass without RGB (depth, ids and normals only, e.g. for a lidar): the same outputs as
// scene.frag and no shading, which is most of a CPU device's work per pixel. Its vertex shader is
// scene.vert built with TWIN_GEOMETRY_ONLY (exactly the inputs below). Depth, ids and normals are
// computed as scene.frag computes them, so the two agree bit for bit.
layout(push_constant) uniform Camera {
  mat4 view;
  vec4 projection;
  vec4 position;
} camera;

layout(location = 0) in vec3 in_world;
layout(location = 1) in vec3 in_world_normal;
layout(location = 2) in vec3 in_camera;
layout(location = 4) flat in uint in_ids;

layout(location = 0) out vec4 out_color;
layout(location = 1) out float out_depth;
layout(location = 2) out uint out_ids;
layout(location = 3) out vec4 out_normal;

void main() {
  vec3 n = normalize(in_world_normal);
  vec3 to_eye = normalize(camera.position.xyz - in_world);
  if (dot(n, to_eye) < 0.0) n = -n;  // face the eye, as scene.frag does
  out_color = vec4(0.0);
  out_depth = in_camera.z;
  out_ids = in_ids;
  vec3 n_camera = normalize(mat3(camera.view) * n);
  out_normal = vec4(n_camera, 0.0);
}
