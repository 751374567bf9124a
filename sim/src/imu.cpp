#include <twin/base/error.h>
#include <twin/sim/imu.h>

#include "model_names.h"

namespace twin::sim {
namespace {

// sigma^2 on the diagonal of a row-major 3x3 matrix.
std::array<double, 9> DiagonalVariance(double sigma) {
  std::array<double, 9> covariance{};
  for (int i = 0; i < 3; ++i) covariance[4 * i] = sigma * sigma;
  return covariance;
}

}  // namespace

ImuReading ReadImu(const World& world, const scenes::ImuSpec& imu) {
  const mjModel* m = world.model();
  const mjData* d = world.data();
  const int site = internal::RequireId(m, world.name(), mjOBJ_SITE, "site", imu.site);
  const int accel = world.SensorId(imu.accelerometer);
  const int gyro = world.SensorId(imu.gyro);
  if (m->sensor_type[accel] != mjSENS_ACCELEROMETER || m->sensor_type[gyro] != mjSENS_GYRO) {
    throw base::Error(world.name() + ": IMU '" + imu.name + "' needs an accelerometer '" +
                      imu.accelerometer + "' and a gyro '" + imu.gyro + "'");
  }

  ImuReading reading;
  reading.name = imu.name;
  reading.stamp = world.sensor_time();
  // MuJoCo's accelerometer already reports specific force in the site frame (its body
  // accelerations include -gravity), its gyro the site's angular velocity in the site frame.
  for (int i = 0; i < 3; ++i) {
    reading.linear_acceleration[i] = d->sensordata[m->sensor_adr[accel] + i];
    reading.angular_velocity[i] = d->sensordata[m->sensor_adr[gyro] + i];
  }
  mjtNum q[4];
  mju_mat2Quat(q, d->site_xmat + 9 * site);
  for (int i = 0; i < 4; ++i) reading.orientation_wxyz[i] = q[i];
  const bool noisy = world.applies_sensor_noise();
  reading.linear_acceleration_covariance = DiagonalVariance(noisy ? m->sensor_noise[accel] : 0);
  reading.angular_velocity_covariance = DiagonalVariance(noisy ? m->sensor_noise[gyro] : 0);
  return reading;
}

}  // namespace twin::sim
