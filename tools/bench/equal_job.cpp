#include "equal_job.h"

#include <twin/base/error.h>
#include <twin/render/renderer.h>
#include <twin/sim/world.h>

#include <tinyxml2.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <vector>

namespace twin::tools {
namespace {

namespace fs = std::filesystem;
using tinyxml2::XMLElement;

// Every element named `name` under `parent`, at any depth.
void CollectElements(XMLElement* parent, const char* name, std::vector<XMLElement*>& out) {
  for (XMLElement* e = parent->FirstChildElement(); e; e = e->NextSiblingElement()) {
    if (std::string(e->Name()) == name) out.push_back(e);
    CollectElements(e, name, out);
  }
}

// The <light> elements of `body` and the bodies under it, in mjModel's order: MuJoCo lists a
// body's own lights, then those of its child bodies, depth first.
void CollectLights(XMLElement* body, std::vector<XMLElement*>& out) {
  for (XMLElement* e = body->FirstChildElement("light"); e; e = e->NextSiblingElement("light"))
    out.push_back(e);
  for (XMLElement* e = body->FirstChildElement("body"); e; e = e->NextSiblingElement("body"))
    CollectLights(e, out);
}

XMLElement* ChildOrNew(XMLElement* parent, const char* name) {
  if (XMLElement* e = parent->FirstChildElement(name)) return e;
  return parent->InsertNewChildElement(name);
}

// `attribute` of `e`, made absolute against `base` when it is relative.
void MakeAbsolute(XMLElement* e, const char* attribute, const fs::path& base) {
  const char* value = e->Attribute(attribute);
  if (!value || fs::path(value).is_absolute()) return;
  e->SetAttribute(attribute, (base / value).lexically_normal().string().c_str());
}

}  // namespace

Drawing MujocoDrawing(const mjModel* m) {
  Drawing d;
  d.samples = std::max(1, m->vis.quality.offsamples);
  d.shadow_size = m->vis.quality.shadowsize;
  for (int l = 0; l < m->nlight; ++l)
    d.shadow_lights += m->light_active[l] && m->light_castshadow[l];
  if (d.shadow_lights == 0) d.shadow_size = 0;
  for (int i = 0; i < m->nmat; ++i)
    d.reflectance = std::max<double>(d.reflectance, m->mat_reflectance[i]);
  for (int t = 0; t < m->ntex; ++t) d.skybox = d.skybox || m->tex_type[t] == mjTEXTURE_SKYBOX;
  return d;
}

Drawing TwinDrawing(const mjModel* m) {
  Drawing d;
  d.shadow_lights = render::ShadowLight(m) >= 0 ? 1 : 0;
  // The renderer sizes its shadow map from <visual><quality shadowsize>.
  d.shadow_size = d.shadow_lights ? m->vis.quality.shadowsize : 0;
  return d;
}

std::string DescribeDrawing(const Drawing& d) {
  auto plural = [](int n, const std::string& what) {
    return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
  };
  std::string text = plural(d.samples, "sample") + ", ";
  text += d.shadow_lights > 0 ? "shadow " + std::to_string(d.shadow_size) + "^2 x " +
                                    plural(d.shadow_lights, "light")
                              : "no shadows";
  if (d.reflectance > 0) {
    char reflectance[32];
    std::snprintf(reflectance, sizeof reflectance, "%g", d.reflectance);
    text += std::string(", reflectance ") + reflectance;
  } else {
    text += ", no reflection";
  }
  text += d.skybox ? ", skybox" : ", no skybox";
  text += d.depth ? ", depth read-back" : ", no depth";
  return text;
}

void WriteEqualJobModel(const std::string& model_path, const mjModel* m, int shadow_size,
                        const std::string& out_path) {
  tinyxml2::XMLDocument doc;
  if (doc.LoadFile(model_path.c_str()) != tinyxml2::XML_SUCCESS)
    throw base::Error(model_path + ": cannot read it as XML: " + doc.ErrorStr());
  XMLElement* root = doc.FirstChildElement("mujoco");
  if (!root)
    throw base::Error(model_path +
                      ": --model needs an MJCF model (a <mujoco> root element), as "
                      "mujoco-record does");
  const fs::path base = fs::absolute(model_path).parent_path();

  // Load from anywhere: relative asset folders and includes resolve against the model's folder.
  std::vector<XMLElement*> compilers, includes;
  CollectElements(root, "compiler", compilers);
  if (compilers.empty()) compilers.push_back(root->InsertNewChildElement("compiler"));
  for (XMLElement* compiler : compilers) {
    for (const char* folder : {"meshdir", "texturedir", "assetdir"})
      MakeAbsolute(compiler, folder, base);
    for (const char* folder : {"meshdir", "texturedir"})
      if (!compiler->Attribute(folder)) compiler->SetAttribute(folder, base.string().c_str());
  }
  CollectElements(root, "include", includes);
  for (XMLElement* include : includes) MakeAbsolute(include, "file", base);

  // What twin draws: one sample, its shadow map size, no reflection, no skybox, one shadow light.
  XMLElement* quality = ChildOrNew(ChildOrNew(root, "visual"), "quality");
  quality->SetAttribute("offsamples", 0);
  quality->SetAttribute("shadowsize", shadow_size);
  std::vector<XMLElement*> materials, textures, lights;
  CollectElements(root, "material", materials);
  for (XMLElement* material : materials) material->SetAttribute("reflectance", 0);
  CollectElements(root, "texture", textures);
  for (XMLElement* texture : textures)
    if (const char* type = texture->Attribute("type"); type && std::string(type) == "skybox")
      texture->Parent()->DeleteChild(texture);
  if (XMLElement* world = root->FirstChildElement("worldbody")) CollectLights(world, lights);
  const int shadow_light = render::ShadowLight(m);
  for (int l = 0; l < static_cast<int>(lights.size()); ++l)
    if (l != shadow_light) lights[l]->SetAttribute("castshadow", "false");

  if (doc.SaveFile(out_path.c_str()) != tinyxml2::XML_SUCCESS)
    throw base::Error("cannot write " + out_path + ": " + doc.ErrorStr());

  // Check what MuJoCo makes of it.
  sim::WorldOptions quiet;
  quiet.log = [](const std::string&) {};
  const sim::World variant = sim::World::FromFile(out_path, quiet);
  const mjModel* v = variant.model();
  Drawing want = TwinDrawing(m);
  want.shadow_size = want.shadow_lights ? shadow_size : 0;
  const Drawing got = MujocoDrawing(v);
  std::string differs;
  if (v->nbody != m->nbody || v->ngeom != m->ngeom || v->nlight != m->nlight)
    differs = "its bodies, geoms or lights differ from the model's";
  else if (render::ShadowLight(v) != shadow_light)
    differs = "its shadow-casting light is not the one twin draws";
  else if (got.samples != want.samples || got.shadow_size != want.shadow_size ||
           got.shadow_lights != want.shadow_lights || got.reflectance != 0 || got.skybox)
    differs = "MuJoCo would draw " + DescribeDrawing(got) + ", twin " + DescribeDrawing(want);
  if (!differs.empty())
    throw base::Error(model_path + ": cannot make MuJoCo draw what twin draws of it (" + differs +
                      "; lights and materials inside <include>d files are not rewritten)");
}

}  // namespace twin::tools
