#include "model_names.h"

#include <twin/base/error.h>
#include <twin/base/suggest.h>

namespace twin::sim::internal {

std::string ObjectName(const mjModel* m, mjtObj type, int id) {
  const char* name = mj_id2name(m, type, id);
  return (name && *name) ? std::string(name) : "#" + std::to_string(id);
}

std::vector<std::string> ObjectNames(const mjModel* m, mjtObj type) {
  int count = 0;
  switch (type) {
    case mjOBJ_BODY: count = m->nbody; break;
    case mjOBJ_JOINT: count = m->njnt; break;
    case mjOBJ_ACTUATOR: count = m->nu; break;
    case mjOBJ_SENSOR: count = m->nsensor; break;
    case mjOBJ_CAMERA: count = m->ncam; break;
    case mjOBJ_GEOM: count = m->ngeom; break;
    default: break;
  }
  std::vector<std::string> names;
  for (int i = 0; i < count; ++i) {
    const char* name = mj_id2name(m, type, i);
    if (name && *name) names.emplace_back(name);
  }
  return names;
}

int RequireId(const mjModel* m, const std::string& model_name, mjtObj type, std::string_view what,
              std::string_view name) {
  const std::string key(name);
  const int id = mj_name2id(m, type, key.c_str());
  if (id >= 0) return id;
  const std::vector<std::string> names = ObjectNames(m, type);
  std::string message = "model '" + model_name + "' has no " + std::string(what) + " named '" +
                        key + "'" + base::DidYouMean(key, names);
  if (names.empty()) message += "; it has no named " + std::string(what) + "s at all";
  throw base::Error(message);
}

std::string DescribeDof(const mjModel* m, int dof) {
  if (dof < 0 || dof >= m->nv) return "";
  const int joint = m->dof_jntid[dof];
  const int body = m->dof_bodyid[dof];
  return "joint '" + ObjectName(m, mjOBJ_JOINT, joint) + "' (dof " + std::to_string(dof) +
         ") of body '" + ObjectName(m, mjOBJ_BODY, body) + "'";
}

std::string DescribeQpos(const mjModel* m, int index) {
  if (index < 0 || index >= m->nq) return "";
  int owner = -1;
  for (int j = 0; j < m->njnt; ++j) {
    if (m->jnt_qposadr[j] <= index && (owner < 0 || m->jnt_qposadr[j] > m->jnt_qposadr[owner])) {
      owner = j;
    }
  }
  if (owner < 0) return "";
  return "joint '" + ObjectName(m, mjOBJ_JOINT, owner) + "' (qpos " + std::to_string(index) +
         ") of body '" + ObjectName(m, mjOBJ_BODY, m->jnt_bodyid[owner]) + "'";
}

std::string DescribeActuator(const mjModel* m, int actuator) {
  if (actuator < 0 || actuator >= m->nu) return "";
  return "actuator '" + ObjectName(m, mjOBJ_ACTUATOR, actuator) + "' (ctrl " +
         std::to_string(actuator) + ")";
}

std::string DescribeAct(const mjModel* m, int index) {
  // MuJoCo 2.2 places the actuators that have activation state last, one act value each.
  const int actuator = m->nu - m->na + index;
  if (index < 0 || index >= m->na || actuator < 0) return "";
  return "actuator '" + ObjectName(m, mjOBJ_ACTUATOR, actuator) + "' (act " +
         std::to_string(index) + ")";
}

}  // namespace twin::sim::internal
