#version 450
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
#include "camera.glsl"

layout(location = 0) in vec3 in_position;
layout(location = 1) in vec3 in_normal;
#ifndef TWIN_GEOMETRY_ONLY
layout(location = 2) in vec2 in_uv;
#endif
layout(location = 3) in float in_cap;

// Built twice: as is for scene.frag, and with TWIN_GEOMETRY_ONLY for geometry.frag (no RGB): then
// the outputs are exactly what geometry.frag reads (no uv, colour, material or shadow position).
#ifndef TWIN_GEOMETRY_ONLY
// Only the shadow matrix of the frame uniform (its layout is declared in full in scene.frag).
layout(std140, set = 0, binding = 0) uniform Frame { mat4 shadow_matrix; } frame;
#endif

layout(location = 0) out vec3 out_world;
layout(location = 1) out vec3 out_world_normal;
layout(location = 2) out vec3 out_camera;
#ifndef TWIN_GEOMETRY_ONLY
layout(location = 3) out vec2 out_uv;
#endif
// What the fragment shader needs of the instance, passed flat: reading the instance buffer per
// fragment costs a gather per value on a CPU device.
layout(location = 4) flat out uint out_ids;
// Boxes and planes: the plane of this triangle's face in the camera frame (unit normal n, offset
// w: n . x = w), from which the fragment shader computes the exact depth; 0 for other shapes.
layout(location = 14) flat out vec4 out_face;
#ifndef TWIN_GEOMETRY_ONLY
layout(location = 6) flat out vec4 out_color;
layout(location = 7) flat out vec4 out_material;
layout(location = 5) out vec4 out_shadow;  // position in the main light's shadow map
#endif

void main() {
  Instance inst = instances[gl_InstanceIndex];
  vec3 local = LocalPosition(in_position, in_cap, inst.size);
  vec3 world = ToWorld(inst, local);
  // Normals of a non-uniformly scaled shape transform with the inverse scale.
  vec3 normal = normalize(ToWorldDirection(inst, in_normal / inst.size.xyz));
  vec3 cam = (camera.view * vec4(world, 1.0)).xyz;

  out_world = world;
  out_world_normal = normal;
  out_camera = cam;
#ifndef TWIN_GEOMETRY_ONLY
  if (inst.uv.z > 0.5) {  // plane: MuJoCo maps the texture over the plane or per metre
    out_uv = inst.uv.w > 0.5 ? local.xy * inst.uv.xy : (in_position.xy * 0.5 + 0.5) * inst.uv.xy;
  } else {
    out_uv = in_uv * inst.uv.xy;
  }
#endif
  out_ids = inst.ids.x;
  out_face = vec4(0.0);
  if (inst.ids.y == 4u) {  // kFlatFaces: the face's offset from the geom's centre, in its frame
    vec3 local_normal = normalize(in_normal / inst.size.xyz);
    vec3 face_normal = mat3(camera.view) * ToWorldDirection(inst, local_normal);
    vec3 centre = (camera.view * vec4(inst.rows[0].w, inst.rows[1].w, inst.rows[2].w, 1.0)).xyz;
    out_face = vec4(face_normal, dot(face_normal, centre) + dot(local_normal, local));
  }
#ifndef TWIN_GEOMETRY_ONLY
  out_color = inst.color;
  out_material = inst.material;
  // Here, not in scene.frag: computing it there from the uniform matrix makes llvmpipe (Mesa
  // 22.3) leak memory on every frame.
  out_shadow = frame.shadow_matrix * vec4(world, 1.0);
#endif

  // Pinhole projection with the principal point anywhere, reversed infinite depth: z_ndc =
  // near / z, so depth 1 is the near plane and 0 is infinitely far.
  gl_Position = vec4(camera.projection.x * cam.x + camera.projection.z * cam.z,
                     camera.projection.y * cam.y + camera.projection.w * cam.z,
                     camera.position.w, cam.z);
}
