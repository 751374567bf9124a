#version 450

// The shadow map is a colour image holding light-space depth, read with a plain sampler and
// compared in scene.frag (percentage-closer filtering), so no comparison sampler is needed. The
// slope-scaled bias (what depth bias would do) keeps surfaces from shadowing themselves.
layout(location = 0) out float out_depth;

void main() {
  out_depth = gl_FragCoord.z + 1.5 * fwidth(gl_FragCoord.z) + 1e-5;
}
