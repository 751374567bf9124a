// The ray through this fragment's pixel centre in the camera frame, scaled to depth 1 along the
// optical axis: a point at depth z on it is z * PixelRay(). Fragment shaders; needs camera.glsl.
vec3 PixelRay() {
  return vec3((gl_FragCoord.xy - camera.pixel.xy) / camera.pixel.zw, 1.0);
}

// The depth of a rasterized fragment: on a flat face (`face`, see scene.vert) where this pixel's
// ray meets the face's plane, exact where interpolation over a large triangle (a floor) loses
// precision; else, or where the ray grazes the plane, the interpolated depth.
float ExactDepth(vec4 face, float interpolated) {
  if (face.xyz == vec3(0.0)) return interpolated;
  float depth = face.w / dot(face.xyz, PixelRay());
  return depth > 0.5 * interpolated && depth < 2.0 * interpolated ? depth : interpolated;
}
