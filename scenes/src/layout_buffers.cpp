// MuJoCo 2.2.2 gives each mjData fixed buffers sized by the model's <size>: contacts (nconmax),
// constraint rows (njmax, whose square is the dense efc_AR matrix) and a stack (nstack). Every
// mj_makeData allocates and zeroes all of them, and MuJoCo's compiler makes one mjData of its
// own, so they are most of the time a `twin` process takes to start. The sizes below cover the
// fullest moment of a layout with a wide margin (`twin run` prints each buffer's peak use against
// its size); running out is never silent: a full contact buffer is a CONTACTFULL anomaly, and an
// exhausted stack a MuJoCo error that the World reports.
#include "layout_buffers.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <string>

namespace twin::scenes::internal {
namespace {

struct ModelCounts {
  long long bodies = 1;  // the world body
  long long geoms = 0;
  long long dofs = 0;
  int free_bodies = 0;  // world-level bodies that move freely: cartons, pallets, distractors
};

long long DofsOfType(const char* type) {
  if (!type) return -1;
  if (std::strcmp(type, "free") == 0) return 6;
  if (std::strcmp(type, "ball") == 0) return 3;
  return 1;  // hinge, slide
}

// The joint type each default class sets, inherited from the class it nests in ("main": MuJoCo's
// own). Included models keep their classes (model_include.h), so their joints may take it there.
void ReadDefaults(const Xml* def, const char* inherited, std::map<std::string, std::string>* type) {
  const char* name = def->Attribute("class");
  std::string own = inherited ? inherited : "";
  if (const Xml* joint = def->FirstChildElement("joint"))
    if (const char* t = joint->Attribute("type")) own = t;
  (*type)[name ? name : "main"] = own;
  for (const Xml* child = def->FirstChildElement("default"); child;
       child = child->NextSiblingElement("default")) {
    ReadDefaults(child, own.empty() ? nullptr : own.c_str(), type);
  }
}

void CountBody(const Xml* body, const std::string& childclass,
               const std::map<std::string, std::string>& default_type, ModelCounts* counts) {
  for (const Xml* e = body->FirstChildElement(); e; e = e->NextSiblingElement()) {
    const std::string tag = e->Name();
    if (tag == "geom") {
      ++counts->geoms;
    } else if (tag == "freejoint") {
      counts->dofs += 6;
    } else if (tag == "joint") {
      long long dofs = DofsOfType(e->Attribute("type"));
      if (dofs < 0) {
        const char* cls = e->Attribute("class");
        const auto it = default_type.find(cls ? cls : childclass);
        dofs = it != default_type.end() && !it->second.empty() ? DofsOfType(it->second.c_str()) : 1;
      }
      counts->dofs += dofs;
    } else if (tag == "body") {
      ++counts->bodies;
      const char* own = e->Attribute("childclass");
      CountBody(e, own ? own : childclass, default_type, counts);
    }
  }
}

}  // namespace

void SizeBuffers(MjcfDocument& mjcf) {
  std::map<std::string, std::string> default_type;
  for (const Xml* def = mjcf.default_classes()->FirstChildElement("default"); def;
       def = def->NextSiblingElement("default")) {
    ReadDefaults(def, nullptr, &default_type);
  }
  ModelCounts counts;
  CountBody(mjcf.worldbody(), "main", default_type, &counts);
  for (const Xml* body = mjcf.worldbody()->FirstChildElement("body"); body;
       body = body->NextSiblingElement("body")) {
    counts.free_bodies += body->FirstChildElement("freejoint") != nullptr;
  }
  // Measured peaks: 117 contacts (468 rows) in factory_cell.yaml's 10 minutes of palletizing (31
  // free bodies), 82 (414 rows) in warehouse.yaml (19). A free body gets 16 contacts, 4 rows each
  // (pyramidal friction cones), a pile of cartons touching below and beside included; the square
  // of the rows is a dense matrix in every mjData (efc_AR).
  const long long contacts = std::max(300, 16 * counts.free_bodies + 100);
  const long long rows = 4 * contacts;
  // The stack holds the solver's dense nv x nv matrices, arrays per constraint row and per geom,
  // and the broad phase's body pairs; twice that, as margin. MuJoCo's default, 5 (njmax + nv)^2
  // numbers, is sized for a dense solve over every row: 600 MiB for warehouse.yaml, which peaks
  // at 0.6 MiB.
  const long long stack =
      std::max(1000LL, 2 * (6 * counts.dofs * counts.dofs + counts.bodies * counts.bodies +
                            40 * rows + 20 * counts.geoms));
  Set(mjcf.size(), "nconmax", static_cast<double>(contacts));
  Set(mjcf.size(), "njmax", static_cast<double>(rows));
  Set(mjcf.size(), "nstack", static_cast<double>(stack));
}

}  // namespace twin::scenes::internal
