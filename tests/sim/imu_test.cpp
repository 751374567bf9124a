// IMU readings against independent truth: gravity at rest, the rate and centripetal acceleration
// of a body spun at a known speed, the site's own orientation, and the layout's noise drawn from
// the seed with the stated sigma.
#include <twin/scenes/scene.h>
#include <twin/sim/imu.h>
#include <twin/sim/site_world.h>

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstring>
#include <optional>
#include <vector>

using twin::sim::ImuReading;
using twin::sim::World;

namespace {

using Vec3 = std::array<double, 3>;

// R^T v for a row-major MuJoCo rotation matrix (world -> the frame whose axes are R's columns).
Vec3 IntoFrame(const mjtNum* r, const Vec3& v) {
  Vec3 out{};
  for (int col = 0; col < 3; ++col)
    for (int row = 0; row < 3; ++row) out[col] += r[3 * row + col] * v[row];
  return out;
}

// An IMU on a world-fixed site yawed 90 degrees, one on a carton, one tilted on a post.
const char* kLayout = R"(site: {seed: 5}
equipment:
  - {type: carton, name: box, pose: {position: [1, 0, 0]}, size: [0.4, 0.3, 0.2]}
sensors:
  imus:
    - {name: yawed, pose: {position: [0, 0, 1], yaw: 90}}
    - {name: on_box, mount: box, pose: {position: [0, 0, 0.1]}}
    - {name: tilted, pose: {position: [2, 0, 1], rpy: [30, -20, 45]}}
    - {name: noisy, pose: {position: [0, 1, 1], rpy: [10, 20, 30]},
       noise: {accel: 0.02, gyro: 0.001}}
)";

// The seed comes from `seed`, else the layout's (MakeSiteWorld's rule, not WorldOptions::seed).
twin::sim::SiteWorld Site(twin::sim::WorldOptions options = {},
                          std::optional<uint64_t> seed = std::nullopt) {
  return twin::sim::MakeSiteWorld(twin::scenes::LoadLayoutText(kLayout, "imu.yaml", "."),
                                  std::move(options), seed);
}

const twin::scenes::ImuSpec& Imu(const twin::sim::SiteWorld& site, const std::string& name) {
  for (const auto& imu : site.scene.site.imus)
    if (imu.name == name) return imu;
  FAIL("no IMU " << name);
  throw;
}

}  // namespace

TEST_CASE("An IMU at rest reads -gravity in its own frame and no rotation", "[sim][imu]") {
  twin::sim::SiteWorld site = Site();
  World& world = site.world;
  world.Step(500);  // 1 s: the carton has settled on the floor
  const mjModel* m = world.model();
  const Vec3 minus_g{-m->opt.gravity[0], -m->opt.gravity[1], -m->opt.gravity[2]};
  REQUIRE(minus_g[2] == Approx(9.81));
  for (const char* name : {"yawed", "on_box", "tilted"}) {
    CAPTURE(name);
    const ImuReading r = twin::sim::ReadImu(world, Imu(site, name));
    CHECK(r.name == name);
    const int s = mj_name2id(m, mjOBJ_SITE, name);
    REQUIRE(s >= 0);
    const Vec3 expected = IntoFrame(world.data()->site_xmat + 9 * s, minus_g);
    for (int i = 0; i < 3; ++i) {
      CHECK(r.linear_acceleration[i] == Approx(expected[i]).margin(1e-6));
      CHECK(r.angular_velocity[i] == Approx(0).margin(1e-6));
    }
    // Noise-free IMUs: zero covariance, orientation exact.
    for (double c : r.linear_acceleration_covariance) CHECK(c == 0);
    for (double c : r.orientation_covariance) CHECK(c == 0);
  }
  // Worked by hand: a site yawed 90 degrees about world z has quaternion (cos 45, 0, 0, sin 45),
  // and its z axis is up, so it reads +9.81 along its own z.
  const ImuReading yawed = twin::sim::ReadImu(world, Imu(site, "yawed"));
  CHECK(yawed.orientation_wxyz[0] == Approx(std::sqrt(0.5)).margin(1e-12));
  CHECK(yawed.orientation_wxyz[1] == Approx(0).margin(1e-12));
  CHECK(yawed.orientation_wxyz[2] == Approx(0).margin(1e-12));
  CHECK(yawed.orientation_wxyz[3] == Approx(std::sqrt(0.5)).margin(1e-12));
  CHECK(yawed.linear_acceleration[2] == Approx(9.81).margin(1e-9));
}

TEST_CASE("An IMU's orientation is its site's rotation, and its stamp the time it depicts",
          "[sim][imu]") {
  twin::sim::SiteWorld site = Site();
  World& world = site.world;
  const mjModel* m = world.model();
  for (int steps : {0, 1, 37}) {
    world.Step(steps);
    for (const auto& spec : site.scene.site.imus) {
      CAPTURE(steps, spec.name);
      const ImuReading r = twin::sim::ReadImu(world, spec);
      // The quaternion turned back into a matrix (MuJoCo's own conversion) is the site's xmat:
      // it rotates IMU-frame vectors into the world.
      mjtNum q[4] = {r.orientation_wxyz[0], r.orientation_wxyz[1], r.orientation_wxyz[2],
                     r.orientation_wxyz[3]};
      CHECK(mju_norm(q, 4) == Approx(1).margin(1e-12));
      mjtNum mat[9];
      mju_quat2Mat(mat, q);
      const int s = mj_name2id(m, mjOBJ_SITE, spec.site.c_str());
      for (int i = 0; i < 9; ++i)
        CHECK(mat[i] == Approx(world.data()->site_xmat[9 * s + i]).margin(1e-12));
    }
    // After a step the sensor data are of the state the step started from.
    const ImuReading r = twin::sim::ReadImu(world, site.scene.site.imus[0]);
    CHECK(r.stamp == world.sensor_time());
    if (world.step_count() > 0) {
      CHECK(r.stamp == Approx(world.time() - world.timestep()).margin(1e-12));
    } else {
      CHECK(r.stamp == world.time());
    }
  }
}

TEST_CASE(
    "A body spun at a known rate: the gyro reads it, the accelerometer its centripetal "
    "acceleration, in the IMU's frame",
    "[sim][imu]") {
  // A disc on a vertical hinge through its centre (gravity exerts no torque about the axis, no
  // damping: the rate stays what it was set to), the IMU 0.5 m off the axis, tilted.
  const char* xml = R"(<mujoco><option timestep="0.001"/><worldbody>
    <body name="disc" pos="0 0 1"><joint name="spin" type="hinge" axis="0 0 1"/>
      <geom type="cylinder" size="0.6 0.05" mass="10"/>
      <site name="imu" pos="0.5 0 0" euler="20 -35 60"/></body>
    </worldbody><sensor><accelerometer name="imu/accel" site="imu"/>
    <gyro name="imu/gyro" site="imu"/></sensor></mujoco>)";
  World world = World::FromXml(xml);
  const twin::scenes::ImuSpec spec{"imu", "imu", "imu/accel", "imu/gyro", 200};
  const double rate = 2.5;  // rad/s
  world.JointQvel(world.JointId("spin"))[0] = rate;
  world.Forward();
  for (int steps : {1, 250, 1000}) {
    world.Step(steps);
    CAPTURE(world.time());
    CHECK(world.JointQvel(world.JointId("spin"))[0] == Approx(rate).epsilon(1e-9));
    const ImuReading r = twin::sim::ReadImu(world, spec);
    const mjtNum* xmat = world.data()->site_xmat + 9 * mj_name2id(world.model(), mjOBJ_SITE, "imu");
    const mjtNum* p = world.data()->site_xpos + 3 * mj_name2id(world.model(), mjOBJ_SITE, "imu");
    const Vec3 omega = IntoFrame(xmat, {0, 0, rate});
    // Centripetal acceleration towards the axis (x = y = 0), minus gravity.
    const Vec3 specific = IntoFrame(xmat, {-rate * rate * p[0], -rate * rate * p[1], 9.81});
    CHECK(std::hypot(p[0], p[1]) == Approx(0.5).epsilon(1e-9));
    for (int i = 0; i < 3; ++i) {
      CHECK(r.angular_velocity[i] == Approx(omega[i]).margin(1e-9));
      CHECK(r.linear_acceleration[i] == Approx(specific[i]).margin(1e-6));
    }
  }
}

TEST_CASE("IMU noise: from the seed, reproducible, with the layout's sigma and covariance",
          "[sim][imu][noise]") {
  twin::sim::SiteWorld a = Site({}, 11), b = Site({}, 11), c = Site({}, 12);
  twin::sim::WorldOptions quiet;
  quiet.sensor_noise = false;
  twin::sim::SiteWorld truth = Site(quiet, 11);
  REQUIRE(a.world.seed() == 11);
  REQUIRE(c.world.seed() == 12);
  const auto& spec = Imu(a, "noisy");

  const int n = 20000;
  std::vector<double> accel_error, gyro_error;
  int differs_from_other_seed = 0;
  for (int k = 0; k < n; ++k) {
    for (auto* s : {&a, &b, &c, &truth}) s->world.Step(1);
    const ImuReading ra = ReadImu(a.world, spec), rb = ReadImu(b.world, spec),
                     rc = ReadImu(c.world, spec), rt = ReadImu(truth.world, spec);
    // Same seed, same bits.
    REQUIRE(std::memcmp(ra.linear_acceleration.data(), rb.linear_acceleration.data(), 24) == 0);
    REQUIRE(std::memcmp(ra.angular_velocity.data(), rb.angular_velocity.data(), 24) == 0);
    differs_from_other_seed += ra.linear_acceleration != rc.linear_acceleration;
    for (int i = 0; i < 3; ++i) {
      accel_error.push_back(ra.linear_acceleration[i] - rt.linear_acceleration[i]);
      gyro_error.push_back(ra.angular_velocity[i] - rt.angular_velocity[i]);
    }
  }
  CHECK(differs_from_other_seed == n);

  // The stated sigma: mean within 4 standard errors of 0, standard deviation within 2%
  // (60000 draws: its standard error is 0.3%).
  for (auto [errors, sigma] : {std::pair{&accel_error, 0.02}, std::pair{&gyro_error, 0.001}}) {
    CAPTURE(sigma);
    double sum = 0, squares = 0;
    for (double e : *errors) sum += e;
    const double mean = sum / errors->size();
    for (double e : *errors) squares += (e - mean) * (e - mean);
    const double sd = std::sqrt(squares / (errors->size() - 1));
    CHECK(std::abs(mean) < 4 * sigma / std::sqrt(double(errors->size())));
    CHECK(sd == Approx(sigma).epsilon(0.02));
  }

  // Covariances: sigma^2 on the diagonal (row-major 3x3), zero elsewhere; none without noise.
  const ImuReading r = ReadImu(a.world, spec);
  for (int i = 0; i < 9; ++i) {
    const bool diagonal = i % 4 == 0;
    CHECK(r.linear_acceleration_covariance[i] == Approx(diagonal ? 0.02 * 0.02 : 0).margin(1e-15));
    CHECK(r.angular_velocity_covariance[i] == Approx(diagonal ? 1e-6 : 0).margin(1e-18));
    CHECK(r.orientation_covariance[i] == 0);
  }
  const ImuReading quiet_reading = ReadImu(truth.world, spec);
  for (double v : quiet_reading.linear_acceleration_covariance) CHECK(v == 0);
  for (double v : quiet_reading.angular_velocity_covariance) CHECK(v == 0);
}

TEST_CASE("ReadImu names what is missing when the spec is not the world's", "[sim][imu]") {
  twin::sim::SiteWorld site = Site();
  twin::scenes::ImuSpec wrong = Imu(site, "yawed");
  wrong.gyro = "yawed/gyr";
  CHECK_THROWS_WITH(ReadImu(site.world, wrong), Catch::Matchers::Contains("yawed/gyro"));
  wrong = Imu(site, "yawed");
  wrong.accelerometer = "yawed/gyro";  // a sensor of the wrong type
  CHECK_THROWS_WITH(ReadImu(site.world, wrong),
                    Catch::Matchers::Contains("needs an accelerometer"));
}
