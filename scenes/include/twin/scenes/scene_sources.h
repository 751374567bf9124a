// The files a scene is built from, so that a tool can tell whether two runs used the same inputs
// (twin datagen hashes them into a dataset's identity).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <twin/scenes/scene.h>

namespace twin::scenes {

/// LoadScene(path), also listing in `files` (absolute, normalised, sorted, unique) every file the
/// scene is built from: the scene file; for a layout, every layout and model (MJCF, URDF) it
/// includes with their meshes and textures (a mesh twin converts for MuJoCo as its source file);
/// for a model, the files its <include>s name and its meshes, textures and height fields.
Scene LoadSceneListingFiles(const std::string& path, std::vector<std::filesystem::path>& files);

}  // namespace twin::scenes
