// The small per-dataset files: camera.json (intrinsics), classes.json and instances.json (id ->
// name tables). Written by `twin render` and `twin datagen` alike.
#pragma once

#include <string>

#include <twin/render/camera_model.h>
#include <twin/render/scene_labels.h>

namespace twin::datagen {

/// OUT/<camera>/camera.json: width, height, K, distortion, depth_scale and conventions.
std::string CameraJsonText(const std::string& camera, const render::CameraIntrinsics& k);
/// OUT/classes.json: [{id, name}], id 0 = background.
std::string ClassesJsonText(const render::SceneLabels& labels);
/// OUT/instances.json: [{id, name, class_id}], id 0 = background.
std::string InstancesJsonText(const render::SceneLabels& labels);

}  // namespace twin::datagen
