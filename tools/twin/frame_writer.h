// Writes rendered frames in the dataset layout of shared/DESIGN.md (twin render; twin datagen has
// its own pipeline over the same pieces in twin/datagen):
//   OUT/<camera>/{rgb,depth,instance,semantic,normal}/NNNNNN.png, OUT/<camera>/camera.json,
//   OUT/classes.json, OUT/instances.json.
// Every file is written atomically (temporary name, then rename).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <twin/render/frame.h>
#include <twin/render/scene_labels.h>

namespace twin::tools {

/// The files of `frame` as frame number `index` under `out`; returns the paths written.
std::vector<std::string> WriteFrame(const std::string& out, const render::CameraFrame& frame,
                                    int64_t index);

/// OUT/<camera>/camera.json: width, height, K, distortion, depth_scale.
std::string WriteCameraJson(const std::string& out, const render::CameraFrame& frame);

/// OUT/classes.json and OUT/instances.json: the id -> name tables.
std::vector<std::string> WriteLabelTables(const std::string& out,
                                          const render::SceneLabels& labels);

/// Creates `dir` and its parents; throws twin::base::Error naming it when that is impossible.
void MakeDirectories(const std::string& dir);

}  // namespace twin::tools
