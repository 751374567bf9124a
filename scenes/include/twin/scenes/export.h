// Writing a scene as a standalone MJCF file that MuJoCo's own tools load.
#pragma once

#include <twin/scenes/scene.h>

#include <string>

namespace twin::scenes {

struct ExportResult {
  std::string mjcf_path;   ///< the written model
  std::string assets_dir;  ///< where its mesh/texture files were copied ("" when none)
  int asset_files = 0;
};

/// Compiles `scene` with MuJoCo and writes MuJoCo's canonical MJCF of it to `out` (atomically:
/// a temporary name, then a rename). Mesh, texture and height-field files are copied into
/// "<out stem>_assets/" beside it and referenced relatively, so the folder can be moved.
/// Throws twin::base::Error naming the scene or the output path on failure.
ExportResult ExportScene(const Scene& scene, const std::string& out);

}  // namespace twin::scenes
