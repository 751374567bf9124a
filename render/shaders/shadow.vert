#version 450
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(location = 0) in vec3 in_position;
layout(location = 3) in float in_cap;

layout(push_constant) uniform Light { mat4 view_projection; } light;

void main() {
  Instance inst = instances[gl_InstanceIndex];
  vec3 world = ToWorld(inst, LocalPosition(in_position, in_cap, inst.size));
  gl_Position = light.view_projection * vec4(world, 1.0);
}
