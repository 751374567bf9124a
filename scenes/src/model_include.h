// Including an MJCF or URDF model in a layout, placed with a pose, under a name.
#pragma once

#include "layout_parts.h"

#include <filesystem>
#include <vector>

namespace twin::scenes::internal {

/// Compiles the model with MuJoCo, saves it back as canonical MJCF, and merges it into the
/// layout's document: every name gets the prefix "<name>/", defaults become the class
/// "<name>/main", asset files become absolute paths, and the model's world bodies hang under a
/// body "<name>" at the include's pose (free-floating bodies stay at world level, moved by the
/// pose). `item` is the include entry; `path` the resolved model file.
void IncludeModel(const LayoutNode& item, const std::filesystem::path& path, const Placement& at,
                  LayoutBuild& build);

/// The files MuJoCo reads for the model `model` (MJCF or URDF, loaded as it is): the model, the
/// files its <include>s name (MJCF), and its meshes, textures and height fields where they
/// exist, absolute and normalised (scene_sources.cpp).
std::vector<std::filesystem::path> ModelSourceFiles(const std::filesystem::path& model);

}  // namespace twin::scenes::internal
