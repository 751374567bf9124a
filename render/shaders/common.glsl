// Shared by the scene and shadow shaders: per-geom instance records and the camera.

struct Instance {
  vec4 rows[3];   // world-from-local transform, row-major 3x4
  vec4 size;      // xyz: scale of the unit shape; w: capsule half length
  vec4 color;     // linear rgba
  vec4 material;  // x emission, y specular, z shininess (0..1), w texture layer (-1: none)
  vec4 uv;        // xy texrepeat, z 1 = plane mapping, w 1 = texuniform
  uvec4 ids;      // x: instance id | class id << 16; y: ExactShape (geometry.h)
};

layout(std430, set = 0, binding = 1) readonly buffer Instances { Instance instances[]; };

vec3 LocalPosition(vec3 position, float cap, vec4 size) {
  return position * size.xyz + vec3(0.0, 0.0, cap * size.w);
}

vec3 ToWorld(Instance inst, vec3 p) {
  return vec3(dot(inst.rows[0], vec4(p, 1.0)), dot(inst.rows[1], vec4(p, 1.0)),
              dot(inst.rows[2], vec4(p, 1.0)));
}

vec3 ToWorldDirection(Instance inst, vec3 v) {
  return vec3(dot(inst.rows[0].xyz, v), dot(inst.rows[1].xyz, v), dot(inst.rows[2].xyz, v));
}
