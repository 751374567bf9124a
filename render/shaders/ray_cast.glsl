// Spheres, ellipsoids, capsules and cylinders drawn exactly: the scene pass rasterizes a proxy
// that encloses the shape (ray.vert), and each fragment intersects the ray through its pixel
// centre with the exact shape, in the geom's frame scaled by its size (a unit sphere, a capsule
// of radius 1, a cylinder of radius and half height 1). Rays are parametrized by depth along the
// optical axis, so the parameter of the hit is the depth itself.
// Needs camera.glsl and pixel_ray.glsl.

const uint kRayEllipsoid = 1u, kRayCapsule = 2u, kRayCylinder = 3u;  // RayShape in geometry.h
const float kRayHuge = 3.0e38;
const vec2 kRayEmpty = vec2(1.0, -1.0);

// Per geom, from ray.vert: the camera in the scaled frame, and the rows of the matrix that turns
// a camera-frame direction into one in the scaled frame.
layout(location = 8) flat in vec3 in_ray_origin;
layout(location = 9) flat in vec3 in_ray_x;
layout(location = 10) flat in vec3 in_ray_y;
layout(location = 11) flat in vec3 in_ray_z;
layout(location = 12) flat in vec2 in_ray_shape;  // RayShape, capsule half length / radius

// The parameter interval of the solid unit sphere around `c`: (first, last), empty when x > y.
// Through the line's nearest point to the centre, so a distant sphere loses no precision to
// cancellation: h = 1 - |q|^2 is computed from small numbers.
vec2 SphereInterval(vec3 o, vec3 d, vec3 c) {
  vec3 oc = o - c;
  float a = dot(d, d);
  float t0 = -dot(oc, d) / a;
  vec3 q = oc + t0 * d;
  float h = 1.0 - dot(q, q);
  if (h < 0.0) return kRayEmpty;
  float s = sqrt(h / a);
  return vec2(t0 - s, t0 + s);
}

// The solid infinite cylinder of radius 1 around z.
vec2 SideInterval(vec3 o, vec3 d) {
  float a = dot(d.xy, d.xy);
  if (a == 0.0) return dot(o.xy, o.xy) <= 1.0 ? vec2(-kRayHuge, kRayHuge) : kRayEmpty;
  float t0 = -dot(o.xy, d.xy) / a;
  vec2 q = o.xy + t0 * d.xy;
  float h = 1.0 - dot(q, q);
  if (h < 0.0) return kRayEmpty;
  float s = sqrt(h / a);
  return vec2(t0 - s, t0 + s);
}

// The slab |z| <= half_height.
vec2 SlabInterval(vec3 o, vec3 d, float half_height) {
  if (d.z == 0.0) return abs(o.z) <= half_height ? vec2(-kRayHuge, kRayHuge) : kRayEmpty;
  float t1 = (-half_height - o.z) / d.z, t2 = (half_height - o.z) / d.z;
  return vec2(min(t1, t2), max(t1, t2));
}

vec2 Union(vec2 a, vec2 b) {  // of convex pieces of one convex solid
  if (a.x > a.y) return b;
  if (b.x > b.y) return a;
  return vec2(min(a.x, b.x), max(a.y, b.y));
}

struct RayHit {
  float depth;          // along the optical axis, metres
  vec3 world;           // the hit in world coordinates
  vec3 to_eye;          // unit, world
  vec3 normal_world;    // unit, facing the eye
  vec3 normal_camera;   // the same in the camera frame
  vec2 uv;              // texture coordinates as the tessellated shapes had them
};

// The hit of this fragment's pixel ray with its geom's exact shape; discards on a miss. The first
// surface beyond the near plane, as the rasterizer shows it: the entry point, or from inside the
// shape the exit point.
RayHit CastPixelRay() {
  vec3 ray = PixelRay();
  vec3 o = in_ray_origin;
  vec3 d = vec3(dot(in_ray_x, ray), dot(in_ray_y, ray), dot(in_ray_z, ray));
  uint shape = uint(in_ray_shape.x + 0.5);
  float half_length = in_ray_shape.y;

  vec2 interval;
  bool cap_first = false, cap_last = false;  // cylinder: entered / left through a flat cap
  if (shape == kRayEllipsoid) {
    interval = SphereInterval(o, d, vec3(0.0));
  } else if (shape == kRayCapsule) {
    vec2 body = SideInterval(o, d), slab = SlabInterval(o, d, half_length);
    body = vec2(max(body.x, slab.x), min(body.y, slab.y));
    interval = Union(Union(SphereInterval(o, d, vec3(0.0, 0.0, half_length)),
                           SphereInterval(o, d, vec3(0.0, 0.0, -half_length))),
                     body);
  } else {
    vec2 side = SideInterval(o, d), slab = SlabInterval(o, d, 1.0);
    interval = vec2(max(side.x, slab.x), min(side.y, slab.y));
    cap_first = slab.x > side.x;
    cap_last = slab.y < side.y;
  }
  float near = camera.position.w;
  if (interval.x > interval.y || interval.y < near) discard;
  bool entry = interval.x >= near;
  float t = entry ? interval.x : interval.y;

  // The outward normal in the scaled frame, then in the camera frame (a gradient: it takes the
  // inverse scale, which the rows of the direction matrix already carry).
  vec3 p = o + t * d;
  vec3 n;
  if (shape == kRayEllipsoid) {
    n = p;
  } else if (shape == kRayCapsule) {
    n = p - vec3(0.0, 0.0, clamp(p.z, -half_length, half_length));
  } else {
    n = (entry ? cap_first : cap_last) ? vec3(0.0, 0.0, sign(p.z)) : vec3(p.xy, 0.0);
  }
  vec3 n_camera = normalize(n.x * in_ray_x + n.y * in_ray_y + n.z * in_ray_z);
  if (dot(n_camera, ray) > 0.0) n_camera = -n_camera;  // from inside: face the eye

  RayHit hit;
  hit.depth = t;
  mat3 to_world = transpose(mat3(camera.view));
  vec3 ray_world = to_world * ray;
  hit.world = camera.position.xyz + t * ray_world;
  hit.to_eye = normalize(-ray_world);
  hit.normal_world = to_world * n_camera;
  hit.normal_camera = n_camera;

  // Texture coordinates: longitude and latitude on spheres (a capsule's band at the equator's
  // latitude), height on a cylinder's side, the disc on its caps.
  const float kTwoPi = 6.28318530718, kPi = 3.14159265359;
  float u = atan(p.y, p.x) / kTwoPi;
  if (shape == kRayEllipsoid) {
    hit.uv = vec2(u, acos(clamp(p.z, -1.0, 1.0)) / kPi);
  } else if (shape == kRayCapsule) {
    float z = p.z - clamp(p.z, -half_length, half_length);
    hit.uv = vec2(u, acos(clamp(z, -1.0, 1.0)) / kPi);
  } else {
    hit.uv = (entry ? cap_first : cap_last) ? p.xy * 0.5 + 0.5 : vec2(u, p.z * 0.5 + 0.5);
  }
  return hit;
}
