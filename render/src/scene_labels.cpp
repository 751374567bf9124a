#include <twin/render/scene_labels.h>

#include <map>

#include <twin/base/error.h>

namespace twin::render {
namespace {

constexpr int kMaxId = 65535;  // ids are stored in 16 bits

std::string GeomName(const mjModel* m, int g) {
  const char* name = mj_id2name(m, mjOBJ_GEOM, g);
  return name && *name ? name : "geom" + std::to_string(g);
}

int ClassId(SceneLabels& labels, const std::string& name) {
  for (size_t k = 0; k < labels.classes.size(); ++k)
    if (labels.classes[k] == name) return static_cast<int>(k) + 1;
  labels.classes.push_back(name);
  return static_cast<int>(labels.classes.size());
}

int AddInstance(SceneLabels& labels, const std::string& name, int class_id) {
  labels.instances.push_back(name);
  labels.instance_class.push_back(class_id);
  if (labels.instances.size() > kMaxId)
    throw base::Error("the scene has more than 65535 labelled instances; instance ids are 16-bit");
  return static_cast<int>(labels.instances.size());
}

void Assign(SceneLabels& labels, int g, int instance) {
  labels.geom_instance[g] = static_cast<uint16_t>(instance);
  labels.geom_class[g] = static_cast<uint16_t>(labels.instance_class[instance - 1]);
}

}  // namespace

SceneLabels LabelsFromSite(const scenes::Site& site, const mjModel* m) {
  SceneLabels labels;
  labels.classes = site.classes;
  labels.geom_instance.assign(m->ngeom, 0);
  labels.geom_class.assign(m->ngeom, 0);

  // Entities keep their instance ids; each of their bodies maps to them, and bodies below those
  // (an arm's links under its root) inherit through the body tree.
  labels.instances.resize(site.entities.size());
  labels.instance_class.resize(site.entities.size());
  std::vector<int> body_instance(m->nbody, 0);
  for (const scenes::Entity& e : site.entities) {
    TWIN_DEMAND(e.instance_id >= 1 && e.instance_id <= static_cast<int>(site.entities.size()));
    labels.instances[e.instance_id - 1] = e.name;
    labels.instance_class[e.instance_id - 1] = e.class_id;
    for (const std::string& body : e.bodies) {
      const int id = mj_name2id(m, mjOBJ_BODY, body.c_str());
      if (id > 0) body_instance[id] = e.instance_id;
    }
  }
  for (int b = 1; b < m->nbody; ++b)
    if (!body_instance[b]) body_instance[b] = body_instance[m->body_parentid[b]];

  for (int g = 0; g < m->ngeom; ++g) {
    int instance = body_instance[m->geom_bodyid[g]];
    if (!instance) instance = AddInstance(labels, GeomName(m, g), ClassId(labels, "structure"));
    Assign(labels, g, instance);
  }
  return labels;
}

SceneLabels LabelsFromModel(const mjModel* m) {
  SceneLabels labels;
  labels.geom_instance.assign(m->ngeom, 0);
  labels.geom_class.assign(m->ngeom, 0);
  std::map<int, int> body_instance;
  for (int g = 0; g < m->ngeom; ++g) {
    const int body = m->geom_bodyid[g];
    int instance = 0;
    if (body == 0) {
      instance = AddInstance(labels, GeomName(m, g), ClassId(labels, "structure"));
    } else if (auto it = body_instance.find(body); it != body_instance.end()) {
      instance = it->second;
    } else {
      const char* name = mj_id2name(m, mjOBJ_BODY, body);
      instance = AddInstance(labels, name && *name ? name : "body" + std::to_string(body),
                             ClassId(labels, "body"));
      body_instance[body] = instance;
    }
    Assign(labels, g, instance);
  }
  return labels;
}

}  // namespace twin::render
