// Sensor noise on a rendered frame, seeded so that a frame is reproducible: the draw for pixel i
// of camera c in frame f is a pure function of (seed, c, f, i).
#pragma once

#include <cstdint>

#include <twin/render/camera_model.h>
#include <twin/render/frame.h>

namespace twin::render {

/// Adds Gaussian RGB noise (clamped to [0, 255], rounded), depth noise with sigma growing with
/// z^2, and depth dropout (depth 0; ids and normals are kept). `stream` identifies the camera
/// (e.g. twin::base::StreamId(camera name)), `frame_index` the frame.
void ApplyCameraNoise(const CameraNoise& noise, uint64_t seed, uint64_t stream,
                      uint64_t frame_index, CameraFrame& frame);

}  // namespace twin::render
