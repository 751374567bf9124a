// The non-visual sensors and the sample schedule in one include: IMU readings, beam-break states,
// robots' joint states, and when each camera, lidar and IMU takes a sample. Plain data read from a
// World between steps, on the simulation thread (other threads post to World::Post).
#pragma once

#include <twin/sim/beam_break.h>
#include <twin/sim/imu.h>
#include <twin/sim/joint_states.h>
#include <twin/sim/sample_schedule.h>
