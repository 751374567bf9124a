// Lidar scans as binary PCD v0.7 files (PCL's format,
// https://pointclouds.org/documentation/tutorials/pcd_file_format.html).
#pragma once

#include <cstdint>
#include <vector>

#include <twin/render/lidar.h>

namespace twin::datagen {

/// An organized cloud: WIDTH = horizontal samples, HEIGHT = channels, row c = channel c (the
/// scan's channel-major order, channel 0 lowest). FIELDS x y z (F 4, metres, sensor frame; NaN
/// for no return, so the cloud is not dense) and instance (U 2, 0 = no return); VIEWPOINT
/// identity; DATA binary (points packed, little endian as on the host).
std::vector<uint8_t> EncodePcdBinary(const render::LidarScan& scan);

}  // namespace twin::datagen
