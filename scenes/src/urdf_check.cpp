#include "urdf_check.h"

#include <twin/base/error.h>
#include <twin/base/suggest.h>

#include <algorithm>
#include <vector>

namespace twin::scenes::internal {

void CheckUrdfForMujoco(const tinyxml2::XMLElement& robot, const std::string& shown) {
  // MuJoCo's importer leaves the joint null for any other type and then writes through it.
  static const std::vector<std::string> kJointTypes = {"revolute", "continuous", "prismatic",
                                                       "fixed",    "floating",   "planar"};
  for (const tinyxml2::XMLElement* joint = robot.FirstChildElement("joint"); joint;
       joint = joint->NextSiblingElement("joint")) {
    const char* type = joint->Attribute("type");
    if (!type) continue;  // MuJoCo reports a missing type itself
    if (std::find(kJointTypes.begin(), kJointTypes.end(), type) != kJointTypes.end()) continue;
    const char* name = joint->Attribute("name");
    throw base::Error(shown + ":" + std::to_string(joint->GetLineNum()) + ": joint" +
                      (name ? " '" + std::string(name) + "'" : std::string()) + " has type '" +
                      type + "'" +
                      base::UnknownNameHint(type, kJointTypes, "; URDF joint types are: "));
  }
}

}  // namespace twin::scenes::internal
