// BOP-style 6D pose ground truth (https://github.com/thodan/bop_toolkit, docs/bop_datasets_format):
// scene_gt.json (per frame: object poses in the camera frame), scene_camera.json (per frame: K
// and depth scale) and models_info.json (per object: its model's box, millimetres).
//
// Frames: the camera frame is OpenCV's (x right, y down, z forward); an object's "model" frame
// is the frame of its root body (the MJCF body named like the instance); translations in mm.
#pragma once

#include <mujoco/mujoco.h>

#include <array>
#include <vector>

#include <nlohmann/json.hpp>

#include <twin/render/camera_model.h>
#include <twin/render/scene_labels.h>

namespace twin::datagen {

struct ObjectPose {
  int obj_id = 0;                    ///< instance id
  int class_id = 0;                  ///< its semantic class
  std::array<double, 9> R_m2c{};     ///< row-major, model -> camera
  std::array<double, 3> t_m2c_mm{};  ///< model origin in the camera frame, mm
};

/// Pose in the camera frame of every instance that owns a body (root body = the body named
/// like the instance, i.e. labels.instances[k-1]) and whose id is in `visible` (sorted ids
/// present in the frame); obj_id = instance id, class_id = its class.
std::vector<ObjectPose> CameraObjectPoses(const mjModel* m, const mjData* d,
                                          const render::SceneLabels& labels,
                                          const std::array<double, 3>& camera_position,
                                          const std::array<double, 9>& camera_rotation,
                                          const std::vector<int>& visible);

/// [ {obj_id, class_id, cam_R_m2c (row-major 9), cam_t_m2c (mm)} ]
nlohmann::json SceneGtFrame(const std::vector<ObjectPose>& poses);

/// {cam_K (row-major 9), depth_scale}: depth_scale turns a depth PNG value into mm (1.0 for our
/// millimetre PNGs).
nlohmann::json SceneCameraFrame(const render::CameraIntrinsics& k, double depth_scale_mm);

/// The root body of instance `instance_id` (1-based), or -1 when it has none (structure).
int InstanceRootBody(const mjModel* m, const render::SceneLabels& labels, int instance_id);

/// BOP models_info.json: {"<obj_id>": {min_x, min_y, min_z, size_x, size_y, size_z, name,
/// class_id}} per instance with a root body: the axis-aligned box, in the root body frame at the
/// state `d`, of every geom labelled with that instance (mm). Planes and height fields have no
/// finite box and are left out.
nlohmann::json ModelsInfo(const mjModel* m, const mjData* d, const render::SceneLabels& labels);

}  // namespace twin::datagen
