// Including an MJCF or URDF model in a layout, placed with a pose, under a name.
#pragma once

#include "layout_parts.h"

#include <filesystem>

namespace twin::scenes::internal {

/// Compiles the model with MuJoCo, saves it back as canonical MJCF, and merges it into the
/// layout's document: every name gets the prefix "<name>/", defaults become the class
/// "<name>/main", asset files become absolute paths, and the model's world bodies hang under a
/// body "<name>" at the include's pose (free-floating bodies stay at world level, moved by the
/// pose). `item` is the include entry; `path` the resolved model file.
void IncludeModel(const LayoutNode& item, const std::filesystem::path& path, const Placement& at,
                  LayoutBuild& build);

}  // namespace twin::scenes::internal
