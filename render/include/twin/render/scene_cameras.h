// The cameras and labels of a loaded scene, ready for a Renderer: a layout's `sensors: cameras`
// with their intrinsics, distortion and noise; a plain model's MJCF cameras (intrinsics from
// fovy); MuJoCo's default free camera when a scene has no camera at all.
#pragma once

#include <mujoco/mujoco.h>

#include <string>
#include <vector>

#include <twin/render/renderer.h>
#include <twin/render/scene_labels.h>
#include <twin/scenes/scene.h>

namespace twin::render {

/// Resolution of MJCF cameras and of the free camera (MJCF has no resolution).
inline constexpr int kDefaultWidth = 640, kDefaultHeight = 480;

std::vector<RenderCamera> SceneCameras(const scenes::Scene& scene, const mjModel* m,
                                       int width = kDefaultWidth, int height = kDefaultHeight);

SceneLabels SceneLabelsOf(const scenes::Scene& scene, const mjModel* m);

/// The cameras named in `selection` ("all" or a name), in scene order. An unknown name throws
/// twin::base::Error listing the cameras there are, with a suggestion.
std::vector<RenderCamera> SelectCameras(const std::vector<RenderCamera>& cameras,
                                        const std::string& selection);

}  // namespace twin::render
