// What a URDF must satisfy before MuJoCo's URDF importer reads it. MuJoCo 2.2.2 checks most of
// the format itself and reports errors, but some mistakes reach a null pointer inside it (found by
// tests/fuzz/urdf): those are caught here first, with the file and line.
#pragma once

#include <string>

#include <tinyxml2.h>

namespace twin::scenes::internal {

/// Throws base::Error naming `shown` and the line of the first problem: a <joint> whose type is
/// not one of URDF's six (revolute, continuous, prismatic, fixed, floating, planar).
void CheckUrdfForMujoco(const tinyxml2::XMLElement& robot, const std::string& shown);

}  // namespace twin::scenes::internal
