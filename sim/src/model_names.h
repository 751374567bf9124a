// Human-readable names for the things of an mjModel, for messages.
#pragma once

#include <mujoco/mujoco.h>

#include <string>
#include <string_view>
#include <vector>

namespace twin::sim::internal {

/// The object's name, or "#<id>" when it has none.
std::string ObjectName(const mjModel* m, mjtObj type, int id);
/// All names of one object type (unnamed objects skipped).
std::vector<std::string> ObjectNames(const mjModel* m, mjtObj type);
/// Id of a named object, or throws twin::base::Error "model 'M' has no <what> named 'x' (did you
/// mean..)".
int RequireId(const mjModel* m, const std::string& model_name, mjtObj type, std::string_view what,
              std::string_view name);

/// "joint 'hip' (dof 6) of body 'thigh'" for a degree of freedom.
std::string DescribeDof(const mjModel* m, int dof);
/// The joint that owns qpos[index], described as above.
std::string DescribeQpos(const mjModel* m, int index);
/// "actuator 'motor' (ctrl 2)".
std::string DescribeActuator(const mjModel* m, int actuator);
/// "actuator 'x' (act 1)" for an activation index.
std::string DescribeAct(const mjModel* m, int index);

}  // namespace twin::sim::internal
