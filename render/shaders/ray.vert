#version 450
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
#include "camera.glsl"

// The proxies of the ray-cast shapes (see ray_cast.glsl): the vertex shader places the enclosing
// proxy like scene.vert places a shape, and hands the fragment shader what it needs to cast rays
// against the exact shape, once per geom (flat). Built twice like scene.vert: as is for the
// shaded pass (scene.frag with TWIN_RAY_CAST), and with TWIN_GEOMETRY_ONLY for geometry.frag.

layout(location = 0) in vec3 in_position;
layout(location = 3) in float in_cap;

#ifndef TWIN_GEOMETRY_ONLY
// Only the shadow matrix of the frame uniform (its layout is declared in full in scene.frag).
layout(std140, set = 0, binding = 0) uniform Frame { mat4 shadow_matrix; } frame;
layout(location = 2) out vec3 out_camera;  // the proxy's point: the pixel ray's shadow position
layout(location = 5) out vec4 out_shadow;
layout(location = 6) flat out vec4 out_color;
layout(location = 7) flat out vec4 out_material;
layout(location = 13) flat out vec4 out_shadow_eye;  // the camera's position in the shadow map
#endif
layout(location = 4) flat out uint out_ids;
layout(location = 8) flat out vec3 out_ray_origin;
layout(location = 9) flat out vec3 out_ray_x;
layout(location = 10) flat out vec3 out_ray_y;
layout(location = 11) flat out vec3 out_ray_z;
layout(location = 12) flat out vec2 out_ray_shape;

void main() {
  Instance inst = instances[gl_InstanceIndex];
  vec3 world = ToWorld(inst, LocalPosition(in_position, in_cap, inst.size));
  vec3 cam = (camera.view * vec4(world, 1.0)).xyz;

  // The scaled frame: the geom's axes divided by its size (a capsule's by its radius).
  vec3 scale = inst.size.xyz;
  mat3 view = mat3(camera.view);
  vec3 axis_x = vec3(inst.rows[0].x, inst.rows[1].x, inst.rows[2].x);
  vec3 axis_y = vec3(inst.rows[0].y, inst.rows[1].y, inst.rows[2].y);
  vec3 axis_z = vec3(inst.rows[0].z, inst.rows[1].z, inst.rows[2].z);
  vec3 eye = camera.position.xyz - vec3(inst.rows[0].w, inst.rows[1].w, inst.rows[2].w);
  out_ray_origin = vec3(dot(axis_x, eye), dot(axis_y, eye), dot(axis_z, eye)) / scale;
  out_ray_x = (view * axis_x) / scale.x;
  out_ray_y = (view * axis_y) / scale.y;
  out_ray_z = (view * axis_z) / scale.z;
  out_ray_shape = vec2(float(inst.ids.y), inst.size.w / scale.x);
  out_ids = inst.ids.x;
#ifndef TWIN_GEOMETRY_ONLY
  out_camera = cam;
  out_color = inst.color;
  out_material = inst.material;
  out_shadow = frame.shadow_matrix * vec4(world, 1.0);
  out_shadow_eye = frame.shadow_matrix * vec4(camera.position.xyz, 1.0);
#endif

  gl_Position = vec4(camera.projection.x * cam.x + camera.projection.z * cam.z,
                     camera.projection.y * cam.y + camera.projection.w * cam.z,
                     camera.position.w, cam.z);
}
