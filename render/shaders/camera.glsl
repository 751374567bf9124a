// The camera of the scene pass (push constants, mirrors CameraPush in pipelines.h):
// view = OpenCV camera frame (x right, y down, z forward) from world.
layout(push_constant) uniform Camera {
  mat4 view;
  vec4 projection;  // 2 fx / W, 2 fy / H, 2 (cx + 0.5) / W - 1, 2 (cy + 0.5) / H - 1
  vec4 position;    // camera position in world; w: near plane
  vec4 pixel;       // cx + 0.5, cy + 0.5, fx, fy: gl_FragCoord -> ray (pixel centres at .5)
} camera;

