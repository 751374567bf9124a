// The sensors section: cameras, lidars, IMUs and beam-break sensors, each attached to the site,
// to a mount point or to any body by name.
#include "layout_parts.h"
#include "layout_schema_tables.h"

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

Param NameParam() {
  return {.key = "name",
          .type = Type::kString,
          .description = "a unique name",
          .required = true,
          .has_default = false};
}
Param MountParam() {
  return {.key = "mount",
          .type = Type::kName,
          .description = "world, an item or one of its places declared above, or a body by name",
          .text = "world",
          .refers_to = "mount"};
}
Param PoseParam() {
  return Nested("pose", Type::kBlock, PoseSchema(), "its frame in the mount's frame");
}
Param RateParam(double fallback, double max) {
  return Number("rate", fallback, {0, max, true}, "Hz", "samples per second of simulated time");
}

const Block& CameraNoiseSchema() {
  static const Block block{
      "camera_noise",
      "noise like {rgb: 2, depth: 0.001, dropout: 0.01}",
      {
          Number("rgb", 0, {0, 255}, "8-bit level", "standard deviation of 8-bit RGB"),
          Number("depth", 0, {0, 1}, "m", "standard deviation of depth"),
          Number("dropout", 0, {0, 1}, "1", "share of depth pixels lost"),
      }};
  return block;
}

const Block& ImuNoiseSchema() {
  static const Block block{
      "imu_noise",
      "noise like {accel: 0.02, gyro: 0.001}",
      {
          Number("accel", 0, {0, 100}, "m/s^2", "accelerometer standard deviation"),
          Number("gyro", 0, {0, 100}, "rad/s", "gyro standard deviation"),
      }};
  return block;
}

const Block& CameraSchema() {
  static const Block block{
      "camera",
      "a camera",
      {
          NameParam(),
          {.key = "position",
           .type = Type::kVector,
           .unit = "m",
           .description = "where the camera is (in the mount's frame)",
           .numbers = {0, 0, 0},
           .size = 3,
           .needs = "look_at"},
          {.key = "look_at",
           .type = Type::kVector,
           .unit = "m",
           .description = "a point it looks at (instead of pose)",
           .numbers = {0, 0, 0},
           .size = 3,
           .excludes = {"pose"}},
          [] {
            Param up = Vector("up", {0, 0, 1}, schema::kAny, "1", "the image's up direction");
            up.needs = "look_at";
            return up;
          }(),
          PoseParam(),
          MountParam(),
          {.key = "resolution",
           .type = Type::kVector,
           .unit = "px",
           .description = "width, height",
           .numbers = {640, 480},
           .range = {1, 16384},
           .size = 2,
           .range_message = "the resolution is [width, height] in whole pixels, 1 to 16384"},
          {.key = "intrinsics",
           .type = Type::kVector,
           .unit = "px",
           .description = "fx, fy, cx, cy (instead of fovy)",
           .has_default = false,
           .size = 4,
           .excludes = {"fovy"}},
          Number("fovy", 60, {0, 179, true}, "deg", "vertical field of view"),
          Vector("distortion", {0, 0, 0, 0, 0}, schema::kAny, "1",
                 "Brown-Conrady k1, k2, p1, p2, k3"),
          Nested("noise", Type::kBlock, CameraNoiseSchema(), "image noise"),
          RateParam(30, 1000),
      }};
  return block;
}

const Block& LidarSchema() {
  static const Block block{
      "lidar",
      "a lidar",
      {
          NameParam(),
          PoseParam(),
          MountParam(),
          Integer("channels", 16, 1, 256, "vertical channels"),
          Integer("horizontal_samples", 1024, 1, 8192, "samples per turn"),
          Number("horizontal_fov", 360, {0, 360, true}, "deg", "horizontal field of view"),
          Number("vertical_fov", 30, {0, 180}, "deg", "vertical field of view"),
          {.key = "range",
           .type = Type::kVector,
           .unit = "m",
           .description = "min, max distance",
           .numbers = {0.1, 30},
           .size = 2,
           .range_message = "range is [min, max] metres with 0 <= min < max"},
          RateParam(10, 1000),
      }};
  return block;
}

const Block& ImuSchema() {
  static const Block block{"imu",
                           "an IMU",
                           {
                               NameParam(),
                               PoseParam(),
                               MountParam(),
                               Nested("noise", Type::kBlock, ImuNoiseSchema(), "sensor noise"),
                               RateParam(200, 10000),
                           }};
  return block;
}

const Block& BeamBreakSchema() {
  static const Block block{"beam_break",
                           "a beam-break sensor",
                           {
                               NameParam(),
                               {.key = "from",
                                .type = Type::kVector,
                                .unit = "m",
                                .description = "where the beam starts (in the mount's frame)",
                                .required = true,
                                .has_default = false,
                                .size = 3},
                               {.key = "to",
                                .type = Type::kVector,
                                .unit = "m",
                                .description = "where it ends (at least 1 mm away)",
                                .required = true,
                                .has_default = false,
                                .size = 3},
                               MountParam(),
                           }};
  return block;
}

// The sensor's frame in its mount's frame: `pose:` or, for cameras, `position:` + `look_at:`.
Pose ReadSensorPose(const LayoutNode& item, bool camera) {
  if (camera && item.Has("look_at")) {
    if (item.Has("pose")) item.Required("pose").Fail("give pose or look_at, not both");
    const Vec3 position = item.Vector3("position");
    const Vec3 target = item.Vector3("look_at");
    const Vec3 up = item.Vector3("up");
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
  if (camera && item.Has("position"))
    item.Required("position")
        .Fail(
            "position needs look_at: it is where the camera is when it aims at look_at (without "
            "look_at, place the camera with pose: {position: [x, y, z], ...})");
  if (camera && item.Has("up"))
    item.Required("up").Fail(
        "up needs look_at: it is the image's up direction when the camera aims at look_at (a "
        "pose sets its own)");
  const auto pose = item.Optional("pose");
  return pose ? ReadPose(*pose) : Pose{};
}

// Adds <site name> to the mount body; returns the site's world pose.
Xml* AddSensorSite(const LayoutNode& item, const std::string& name, const Pose& local,
                   const Placement& at, LayoutBuild& build) {
  const std::string mount = item.Text("mount");
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
  cam.name = at.prefix + item.Text("name");
  ClaimName(item, cam.name, build);
  const Pose local = ReadSensorPose(item, /*camera=*/true);
  cam.mount = item.Text("mount");
  const std::vector<double> wh = item.Numbers("resolution");
  if (wh[0] != std::floor(wh[0]) || wh[1] != std::floor(wh[1])) {
    item.Required("resolution").Fail(item.Param("resolution").range_message);
  }
  cam.width = static_cast<int>(wh[0]);
  cam.height = static_cast<int>(wh[1]);
  if (item.Has("fovy") && item.Has("intrinsics")) {
    item.Required("intrinsics").Fail("give fovy or intrinsics, not both");
  }
  if (item.Has("intrinsics")) {
    const std::vector<double> v = item.Numbers("intrinsics");
    const LayoutNode k = item.Required("intrinsics");
    cam.fx = v[0], cam.fy = v[1], cam.cx = v[2], cam.cy = v[3];
    if (!(cam.fx > 0 && cam.fy > 0))
      k.Fail("fx and fy are focal lengths in pixels and must be > 0");
    if (cam.cx < 0 || cam.cx > cam.width - 1 || cam.cy < 0 || cam.cy > cam.height - 1) {
      k.Fail("the principal point (cx, cy) must lie inside the " + std::to_string(cam.width) + "x" +
             std::to_string(cam.height) + " image");
    }
  } else {
    const double fovy = item.Number("fovy");
    cam.fy = cam.height / (2 * std::tan(fovy * M_PI / 360));
    cam.fx = cam.fy;
    cam.cx = (cam.width - 1) / 2.0;
    cam.cy = (cam.height - 1) / 2.0;
  }
  const std::vector<double> d = item.Numbers("distortion");
  cam.k1 = d[0], cam.k2 = d[1], cam.p1 = d[2], cam.p2 = d[3], cam.k3 = d[4];
  if (const auto noise = item.Optional("noise")) {
    noise->ExpectMap(CameraNoiseSchema().description);
    cam.rgb_noise = noise->Number("rgb");
    cam.depth_noise = noise->Number("depth");
    cam.dropout = noise->Number("dropout");
    noise->CheckNoUnknownKeys();
  }
  cam.rate = item.Number("rate");
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
  lidar.name = at.prefix + item.Text("name");
  ClaimName(item, lidar.name, build);
  lidar.site = lidar.name;
  lidar.channels = item.Integer("channels");
  lidar.horizontal_samples = item.Integer("horizontal_samples");
  lidar.horizontal_fov_deg = item.Number("horizontal_fov");
  lidar.vertical_fov_deg = item.Number("vertical_fov");
  if (item.Has("range")) {
    const std::vector<double> r = item.Numbers("range");
    if (!(r[0] >= 0 && r[1] > r[0])) item.Required("range").Fail(item.Param("range").range_message);
    lidar.min_range = r[0], lidar.max_range = r[1];
  }
  lidar.rate = item.Number("rate");
  AddSensorSite(item, lidar.site, ReadSensorPose(item, false), at, build);
  item.CheckNoUnknownKeys();
  build.site.lidars.push_back(lidar);
}

void ReadImu(const LayoutNode& item, const Placement& at, LayoutBuild& build) {
  ImuSpec imu;
  imu.name = at.prefix + item.Text("name");
  ClaimName(item, imu.name, build);
  imu.site = imu.name;
  imu.accelerometer = imu.name + "/accel";
  imu.gyro = imu.name + "/gyro";
  double accel_noise = 0, gyro_noise = 0;
  if (const auto noise = item.Optional("noise")) {
    noise->ExpectMap(ImuNoiseSchema().description);
    accel_noise = noise->Number("accel");
    gyro_noise = noise->Number("gyro");
    noise->CheckNoUnknownKeys();
  }
  imu.rate = item.Number("rate");
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
  beam.name = at.prefix + item.Text("name");
  ClaimName(item, beam.name, build);
  const Vec3 from = item.Vector3("from");
  const Vec3 to = item.Vector3("to");
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

const Block& SensorsSchema() {
  static const Block block{
      "sensors",
      "sensors grouped as cameras:, lidars:, imus:, beam_breaks:",
      {
          Nested("cameras", Type::kBlockList, CameraSchema(), "cameras"),
          Nested("lidars", Type::kBlockList, LidarSchema(), "lidars"),
          Nested("imus", Type::kBlockList, ImuSchema(), "IMUs"),
          Nested("beam_breaks", Type::kBlockList, BeamBreakSchema(), "beam-break sensors"),
      }};
  return block;
}

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
