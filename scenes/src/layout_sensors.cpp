// The sensors section: cameras, lidars, IMUs and beam-break sensors, each attached to the site,
// to a mount point or to any body by name.
#include "layout_parts.h"

#include <twin/base/suggest.h>

#include <cmath>

namespace twin::scenes::internal {
namespace {

double Norm(const Vec3& v) {
  return std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
}
Vec3 Cross(const Vec3& a, const Vec3& b) {
  return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}
Vec3 Normalized(const Vec3& v) {
  const double n = Norm(v);
  return {v[0] / n, v[1] / n, v[2] / n};
}

// A rotation whose +z axis points along `z` (any x axis), as MuJoCo's zaxis attribute does.
Quat QuatFromZAxis(const Vec3& z) {
  const Vec3 from{0, 0, 1};
  const Vec3 to = Normalized(z);
  const double dot = from[0] * to[0] + from[1] * to[1] + from[2] * to[2];
  if (dot < -1 + 1e-12) return {0, 1, 0, 0};  // half turn about x
  const Vec3 axis = Cross(from, to);
  const double w = 1 + dot;
  const double n = std::sqrt(w * w + axis[0] * axis[0] + axis[1] * axis[1] + axis[2] * axis[2]);
  return {w / n, axis[0] / n, axis[1] / n, axis[2] / n};
}

// Rotation matrix columns -> quaternion (Shepperd's method).
Quat QuatFromAxes(const Vec3& x, const Vec3& y, const Vec3& z) {
  const double m00 = x[0], m11 = y[1], m22 = z[2];
  const double trace = m00 + m11 + m22;
  Quat q;
  if (trace > 0) {
    const double s = std::sqrt(trace + 1) * 2;
    q = {s / 4, (y[2] - z[1]) / s, (z[0] - x[2]) / s, (x[1] - y[0]) / s};
  } else if (m00 > m11 && m00 > m22) {
    const double s = std::sqrt(1 + m00 - m11 - m22) * 2;
    q = {(y[2] - z[1]) / s, s / 4, (y[0] + x[1]) / s, (z[0] + x[2]) / s};
  } else if (m11 > m22) {
    const double s = std::sqrt(1 + m11 - m00 - m22) * 2;
    q = {(z[0] - x[2]) / s, (y[0] + x[1]) / s, s / 4, (z[1] + y[2]) / s};
  } else {
    const double s = std::sqrt(1 + m22 - m00 - m11) * 2;
    q = {(x[1] - y[0]) / s, (z[0] + x[2]) / s, (z[1] + y[2]) / s, s / 4};
  }
  return q;
}

// The sensor's frame in its mount's frame: `pose:` or, for cameras, `position:` + `look_at:`.
Pose ReadSensorPose(const LayoutNode& item, bool camera) {
  if (camera && item.Has("look_at")) {
    const Vec3 position = item.Vector3("position", {0, 0, 0});
    const Vec3 target = item.Vector3("look_at", {0, 0, 0});
    const Vec3 up = item.Vector3("up", {0, 0, 1});
    const Vec3 forward{target[0] - position[0], target[1] - position[1], target[2] - position[2]};
    if (Norm(forward) < 1e-9) item.Required("look_at").Fail("look_at must differ from position");
    const Vec3 f = Normalized(forward);
    const Vec3 right = Cross(f, up);
    if (Norm(right) < 1e-6) {
      item.Required("look_at").Fail(
          "the camera looks straight along `up`; give another up: [x, y, z]");
    }
    const Vec3 r = Normalized(right);
    const Vec3 u = Cross(r, f);
    // MuJoCo cameras look along their -z axis with +y up.
    return {position, QuatFromAxes(r, u, {-f[0], -f[1], -f[2]})};
  }
  if (camera) item.Optional("position");
  const auto pose = item.Optional("pose");
  return pose ? ReadPose(*pose) : Pose{};
}

// Adds <site name> to the mount body; returns the site's world pose.
Xml* AddSensorSite(const LayoutNode& item, const std::string& name, const Pose& local,
                   const Placement& at, LayoutBuild& build) {
  const std::string mount = item.String("mount", "world");
  auto [body, in_body] = ResolveMount(item, mount, build);
  const Pose frame = mount == "world" ? Compose(at.pose, local) : Compose(in_body, local);
  Xml* site = Add(body, "site");
  Set(site, "name", name);
  SetPose(site, frame);
  Set(site, "size", {0.02});
  return site;
}

void ReadCamera(const LayoutNode& item, const Placement& at, LayoutBuild& build) {
  CameraSpec cam;
  cam.name = at.prefix + item.RequiredString("name");
  ClaimName(item, cam.name, build);
  const Pose local = ReadSensorPose(item, /*camera=*/true);
  cam.mount = item.String("mount", "world");
  if (const auto resolution = item.Optional("resolution")) {
    const auto wh = resolution->AsVector<2>();
    if (wh[0] != std::floor(wh[0]) || wh[1] != std::floor(wh[1]) || wh[0] < 1 || wh[1] < 1 ||
        wh[0] > 16384 || wh[1] > 16384) {
      resolution->Fail("the resolution is [width, height] in whole pixels, 1 to 16384");
    }
    cam.width = static_cast<int>(wh[0]);
    cam.height = static_cast<int>(wh[1]);
  }
  if (item.Has("fovy") && item.Has("intrinsics")) {
    item.Required("intrinsics").Fail("give fovy or intrinsics, not both");
  }
  if (const auto k = item.Optional("intrinsics")) {
    const auto v = k->AsVector<4>();
    cam.fx = v[0], cam.fy = v[1], cam.cx = v[2], cam.cy = v[3];
    if (!(cam.fx > 0 && cam.fy > 0))
      k->Fail("fx and fy are focal lengths in pixels and must be > 0");
    if (cam.cx < 0 || cam.cx > cam.width - 1 || cam.cy < 0 || cam.cy > cam.height - 1) {
      k->Fail("the principal point (cx, cy) must lie inside the " + std::to_string(cam.width) +
              "x" + std::to_string(cam.height) + " image");
    }
  } else {
    const double fovy = item.Number("fovy", 60, 0, 179, /*exclusive_min=*/true);
    cam.fy = cam.height / (2 * std::tan(fovy * M_PI / 360));
    cam.fx = cam.fy;
    cam.cx = (cam.width - 1) / 2.0;
    cam.cy = (cam.height - 1) / 2.0;
  }
  if (const auto d = item.Optional("distortion")) {
    const auto v = d->AsVector<5>();
    cam.k1 = v[0], cam.k2 = v[1], cam.p1 = v[2], cam.p2 = v[3], cam.k3 = v[4];
  }
  if (const auto noise = item.Optional("noise")) {
    noise->ExpectMap("noise like {rgb: 2, depth: 0.001, dropout: 0.01}");
    cam.rgb_noise = noise->Number("rgb", 0, 0, 255);
    cam.depth_noise = noise->Number("depth", 0, 0, 1);
    cam.dropout = noise->Number("dropout", 0, 0, 1);
    noise->CheckNoUnknownKeys();
  }
  cam.rate = item.Number("rate", 30, 0, 1000, /*exclusive_min=*/true);
  item.CheckNoUnknownKeys();

  auto [body, in_body] = ResolveMount(item, cam.mount, build);
  const Pose frame = cam.mount == "world" ? Compose(at.pose, local) : Compose(in_body, local);
  Xml* camera = Add(body, "camera");
  Set(camera, "name", cam.name);
  SetPose(camera, frame);
  // MuJoCo 2.2.2 cameras know only fovy; the renderer applies fx, fy, cx, cy from the Site.
  Set(camera, "fovy", 2 * std::atan(cam.height / (2 * cam.fy)) * 180 / M_PI);
  build.site.cameras.push_back(cam);
}

void ReadLidar(const LayoutNode& item, const Placement& at, LayoutBuild& build) {
  LidarSpec lidar;
  lidar.name = at.prefix + item.RequiredString("name");
  ClaimName(item, lidar.name, build);
  lidar.site = lidar.name;
  lidar.channels = item.Integer("channels", 16, 1, 256);
  lidar.horizontal_samples = item.Integer("horizontal_samples", 1024, 1, 8192);
  lidar.horizontal_fov_deg = item.Number("horizontal_fov", 360, 0, 360, true);
  lidar.vertical_fov_deg = item.Number("vertical_fov", 30, 0, 180);
  if (const auto range = item.Optional("range")) {
    const auto r = range->AsVector<2>();
    if (!(r[0] >= 0 && r[1] > r[0])) range->Fail("range is [min, max] metres with 0 <= min < max");
    lidar.min_range = r[0], lidar.max_range = r[1];
  }
  lidar.rate = item.Number("rate", 10, 0, 1000, true);
  AddSensorSite(item, lidar.site, ReadSensorPose(item, false), at, build);
  item.CheckNoUnknownKeys();
  build.site.lidars.push_back(lidar);
}

void ReadImu(const LayoutNode& item, const Placement& at, LayoutBuild& build) {
  ImuSpec imu;
  imu.name = at.prefix + item.RequiredString("name");
  ClaimName(item, imu.name, build);
  imu.site = imu.name;
  imu.accelerometer = imu.name + "/accel";
  imu.gyro = imu.name + "/gyro";
  double accel_noise = 0, gyro_noise = 0;
  if (const auto noise = item.Optional("noise")) {
    noise->ExpectMap("noise like {accel: 0.02, gyro: 0.001}");
    accel_noise = noise->Number("accel", 0, 0, 100);
    gyro_noise = noise->Number("gyro", 0, 0, 100);
    noise->CheckNoUnknownKeys();
  }
  imu.rate = item.Number("rate", 200, 0, 10000, true);
  AddSensorSite(item, imu.site, ReadSensorPose(item, false), at, build);
  item.CheckNoUnknownKeys();
  Xml* accel = Add(build.mjcf.sensor(), "accelerometer");
  Set(accel, "name", imu.accelerometer);
  Set(accel, "site", imu.site);
  if (accel_noise > 0) Set(accel, "noise", accel_noise);
  Xml* gyro = Add(build.mjcf.sensor(), "gyro");
  Set(gyro, "name", imu.gyro);
  Set(gyro, "site", imu.site);
  if (gyro_noise > 0) Set(gyro, "noise", gyro_noise);
  build.site.imus.push_back(imu);
}

void ReadBeamBreak(const LayoutNode& item, const Placement& at, LayoutBuild& build) {
  BeamBreakSpec beam;
  beam.name = at.prefix + item.RequiredString("name");
  ClaimName(item, beam.name, build);
  const Vec3 from = item.Required("from").AsVector<3>();
  const Vec3 to = item.Required("to").AsVector<3>();
  const Vec3 along{to[0] - from[0], to[1] - from[1], to[2] - from[2]};
  beam.length = Norm(along);
  if (beam.length < 1e-3)
    item.Required("to").Fail("the beam needs from and to at least 1 mm apart");
  beam.site = beam.name;
  beam.sensor = beam.name + "/range";
  // The rangefinder looks along the site's +z axis: point it from `from` to `to`.
  AddSensorSite(item, beam.site, {from, QuatFromZAxis(along)}, at, build);
  item.CheckNoUnknownKeys();
  Xml* range = Add(build.mjcf.sensor(), "rangefinder");
  Set(range, "name", beam.sensor);
  Set(range, "site", beam.site);
  build.site.beam_breaks.push_back(beam);
}

}  // namespace

void ReadSensors(const LayoutNode& sensors, const Placement& at, LayoutBuild& build) {
  sensors.ExpectMap("sensors grouped as cameras:, lidars:, imus:, beam_breaks:");
  if (const auto list = sensors.Optional("cameras")) {
    for (const LayoutNode& item : list->Items("cameras")) {
      item.ExpectMap("a camera");
      ReadCamera(item, at, build);
    }
  }
  if (const auto list = sensors.Optional("lidars")) {
    for (const LayoutNode& item : list->Items("lidars")) {
      item.ExpectMap("a lidar");
      ReadLidar(item, at, build);
    }
  }
  if (const auto list = sensors.Optional("imus")) {
    for (const LayoutNode& item : list->Items("IMUs")) {
      item.ExpectMap("an IMU");
      ReadImu(item, at, build);
    }
  }
  if (const auto list = sensors.Optional("beam_breaks")) {
    for (const LayoutNode& item : list->Items("beam-break sensors")) {
      item.ExpectMap("a beam-break sensor");
      ReadBeamBreak(item, at, build);
    }
  }
  sensors.CheckNoUnknownKeys();
}

}  // namespace twin::scenes::internal
