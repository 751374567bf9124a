// What each renderer draws of a model, and a variant of a model that makes MuJoCo's renderer
// draw what twin's draws: the equal job of `twin bench render`.
#pragma once

#include <mujoco/mujoco.h>

#include <string>

namespace twin::tools {

/// What a renderer draws of a model, per frame.
struct Drawing {
  int samples = 1;         ///< per pixel (multisampling)
  int shadow_size = 0;     ///< side of the shadow map, texels (0: no shadows)
  int shadow_lights = 0;   ///< lights that cast shadows: one shadow map and pass each
  double reflectance = 0;  ///< largest material reflectance (0: no reflection pass)
  bool skybox = false;     ///< a skybox (and the horizon haze that comes with it)
  bool depth = true;       ///< depth read back with the colour
};

/// What mujoco-record draws of `m`: offsamples (0 means 1 sample), shadowsize, every active
/// light with castshadow (MuJoCo draws the scene once more per such light), the materials'
/// reflectance, a skybox texture.
Drawing MujocoDrawing(const mjModel* m);

/// What twin's renderer draws of `m`: 1 sample, the shadow map of <visual><quality shadowsize>
/// from one light (render::ShadowLight), no reflection, no skybox.
Drawing TwinDrawing(const mjModel* m);

/// "1 sample, shadow 1024^2 x 1 light, no reflection, no skybox, depth read-back".
std::string DescribeDrawing(const Drawing& drawing);

/// Writes to `out_path` a copy of the MJCF model `model_path` (compiled as `m`) that makes
/// MuJoCo draw what twin draws: <visual><quality offsamples="0" shadowsize=shadow_size>, every
/// material reflectance="0", no skybox texture, castshadow="false" on every light but
/// render::ShadowLight(m). Its relative asset folders and includes are made absolute, so it loads
/// from anywhere. Then compiles it and checks that MuJoCo will draw what twin draws of it;
/// throws twin::base::Error naming the model and what differs.
void WriteEqualJobModel(const std::string& model_path, const mjModel* m, int shadow_size,
                        const std::string& out_path);

}  // namespace twin::tools
