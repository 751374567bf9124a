#include "model_include.h"

#include "layout_schema_tables.h"

#include "urdf_prepare.h"

#include <twin/base/error.h>
#include <twin/base/mujoco_messages.h>

#include <mujoco/mujoco.h>

#include <unistd.h>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace twin::scenes::internal {
namespace fs = std::filesystem;
using tinyxml2::XMLElement;

namespace {

// MJCF attributes that hold the name of another element (MuJoCo 2.2.2 schema).
constexpr const char* kReferences[] = {
    "class",         "childclass", "material",  "mesh",       "hfield",   "texture", "target",
    "site",          "joint",      "tendon",    "actuator",   "body",     "objname", "refname",
    "jointinparent", "refsite",    "cranksite", "slidersite", "sidesite", "body1",   "body2",
    "joint1",        "joint2",     "tendon1",   "tendon2",    "geom",     "geom1",   "geom2"};

std::string OneLine(const std::string& text) {
  std::string out;
  for (char c : text) out += (c == '\n') ? ' ' : c;
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// Compiles the model and returns MuJoCo's canonical MJCF of it (names, defaults, radians).
// `sources` gets the model's files (the model, its <include>s, its meshes and textures).
std::string CompileAndSave(const LayoutNode& item, const fs::path& path,
                           const std::map<std::string, fs::path>& packages,
                           std::map<std::string, fs::path>* staged_meshes,
                           std::vector<fs::path>* sources) {
  base::InstallMujocoHandlers();
  const bool urdf = path.extension() == ".urdf";
  std::unique_ptr<PreparedUrdf> prepared;
  if (urdf) {
    try {
      prepared = std::make_unique<PreparedUrdf>(path, packages);
    } catch (const base::Error& e) {
      item.Required("file").Fail(e.what());
    }
    sources->push_back(fs::absolute(path).lexically_normal());
    for (const fs::path& mesh : prepared->mesh_sources()) sources->push_back(mesh);
  } else {
    for (fs::path& file : ModelSourceFiles(path)) sources->push_back(std::move(file));
  }
  const fs::path load = urdf ? prepared->path() : path;
  char error[1024] = "";
  std::string warnings;
  mjModel* model = nullptr;
  {
    base::MujocoWarningCapture capture(&warnings);
    model = mj_loadXML(load.c_str(), nullptr, error, sizeof(error));
  }
  if (!model)
    item.Required("file").Fail("MuJoCo cannot load " + path.string() + ": " + OneLine(error));

  std::string saved = (fs::temp_directory_path() / "twin-include-XXXXXX").string();
  const int fd = mkstemp(saved.data());
  if (fd >= 0) close(fd);
  const bool ok = fd >= 0 && mj_saveLastXML(saved.c_str(), model, error, sizeof(error));
  mj_deleteModel(model);
  if (!ok) {
    fs::remove(saved);
    item.Required("file").Fail("MuJoCo cannot save " + path.string() +
                               " back as MJCF: " + OneLine(error));
  }
  std::ifstream in(saved);
  std::ostringstream text;
  text << in.rdbuf();
  fs::remove(saved);
  if (prepared) {
    // Remember where the staged mesh names really point before the staging folder goes away.
    tinyxml2::XMLDocument doc;
    doc.Parse(text.str().c_str());
    if (XMLElement* asset = doc.RootElement()->FirstChildElement("asset")) {
      for (XMLElement* mesh = asset->FirstChildElement("mesh"); mesh;
           mesh = mesh->NextSiblingElement("mesh")) {
        if (const char* file = mesh->Attribute("file"))
          (*staged_meshes)[file] = prepared->RealMesh(file);
      }
    }
  }
  return text.str();
}

void Prefix(XMLElement* e, const char* attribute, const std::string& prefix) {
  if (const char* value = e->Attribute(attribute))
    e->SetAttribute(attribute, (prefix + value).c_str());
}

// Prefixes every name and every reference to a name in the subtree of `e`.
void PrefixNames(XMLElement* e, const std::string& prefix) {
  Prefix(e, "name", prefix);
  for (const char* attribute : kReferences) Prefix(e, attribute, prefix);
  for (XMLElement* c = e->FirstChildElement(); c; c = c->NextSiblingElement())
    PrefixNames(c, prefix);
}

// Asset files become absolute; unnamed assets get the name MuJoCo would give them (the file's
// stem), so references to them survive the prefixing.
void AnchorAssets(XMLElement* root, const fs::path& model_dir,
                  const std::map<std::string, fs::path>& staged_meshes) {
  XMLElement* asset = root->FirstChildElement("asset");
  if (!asset) return;
  const XMLElement* compiler = root->FirstChildElement("compiler");
  const auto dir_of = [&](const char* attribute) {
    const char* dir = compiler ? compiler->Attribute(attribute) : nullptr;
    return dir ? (fs::path(dir).is_absolute() ? fs::path(dir) : model_dir / dir) : model_dir;
  };
  for (XMLElement* e = asset->FirstChildElement(); e; e = e->NextSiblingElement()) {
    const char* file = e->Attribute("file");
    if (!file) continue;
    const std::string tag = e->Name();
    fs::path real;
    if (const auto it = staged_meshes.find(file); it != staged_meshes.end()) {
      real = it->second;
    } else if (fs::path(file).is_absolute()) {
      real = file;
    } else {
      real = (tag == "texture" ? dir_of("texturedir") : dir_of("meshdir")) / file;
    }
    if (!e->Attribute("name")) e->SetAttribute("name", fs::path(file).stem().c_str());
    e->SetAttribute("file", fs::absolute(real).lexically_normal().c_str());
  }
}

scenes::Pose ReadMjcfPose(const XMLElement* e) {
  scenes::Pose pose;
  if (const char* pos = e->Attribute("pos")) {
    std::istringstream in(pos);
    in >> pose.position[0] >> pose.position[1] >> pose.position[2];
  }
  if (const char* quat = e->Attribute("quat")) {
    std::istringstream in(quat);
    in >> pose.orientation[0] >> pose.orientation[1] >> pose.orientation[2] >> pose.orientation[3];
  }
  return pose;
}

bool IsFreeBody(const XMLElement* body) {
  if (body->FirstChildElement("freejoint")) return true;
  for (const XMLElement* j = body->FirstChildElement("joint"); j;
       j = j->NextSiblingElement("joint")) {
    if (const char* type = j->Attribute("type"); type && std::string(type) == "free") return true;
  }
  return false;
}

void CollectBodies(XMLElement* e, Entity& entity, LayoutBuild& build) {
  if (std::string(e->Name()) == "body" && e->Attribute("name")) {
    entity.bodies.push_back(e->Attribute("name"));
    build.bodies[e->Attribute("name")] = e;
  }
  for (XMLElement* c = e->FirstChildElement(); c; c = c->NextSiblingElement())
    CollectBodies(c, entity, build);
}

void AppendChildren(XMLElement* from, XMLElement* to) {
  if (!from) return;
  for (XMLElement* c = from->FirstChildElement(); c; c = c->NextSiblingElement()) {
    to->InsertEndChild(c->DeepClone(to->GetDocument()));
  }
}

}  // namespace

const Block& IncludeModelSchema() {
  static const Block block{
      "include_model",
      "an included MJCF model or URDF robot",
      {
          {.key = "file",
           .type = Type::kString,
           .description = "a layout (.yaml), MJCF model (.xml) or URDF robot (.urdf), relative to "
                          "this file",
           .required = true,
           .has_default = false},
          {.key = "name",
           .type = Type::kString,
           .description = "its name; every element becomes NAME/element",
           .required = true,
           .has_default = false},
          {.key = "class",
           .type = Type::kString,
           .description = "semantic class",
           .has_default = false,
           .default_note = "robot (URDF), model (MJCF)"},
          {.key = "package_paths",
           .type = Type::kTextMap,
           .description = "URDF only: package name -> folder, for package:// URIs",
           .has_default = false},
          Nested("pose", Type::kBlock, PoseSchema(), "where it goes, relative to its parent"),
          {.key = "parent",
           .type = Type::kName,
           .description = "an item, place or body declared above",
           .has_default = false,
           .refers_to = "mount"},
      }};
  return block;
}

void IncludeModel(const LayoutNode& item, const fs::path& path, const Placement& at,
                  LayoutBuild& build) {
  Entity entity;
  entity.name = at.prefix + item.Text("name");
  ClaimName(item.Required("name"), entity.name, build);
  const bool urdf = path.extension() == ".urdf";
  entity.type = urdf ? "urdf" : "mjcf";
  entity.class_name = item.Has("class") ? item.Text("class") : urdf ? "robot" : "model";
  entity.source = item.Where();
  std::map<std::string, fs::path> packages;
  if (const auto paths = item.Optional("package_paths")) {
    if (!urdf) paths->Fail("package_paths resolve package:// URIs of URDF files only");
    for (const auto& [package, folder] : paths->Entries("packages like {ur_description: ../ur}")) {
      fs::path dir = fs::path(item.file()).parent_path() / folder.AsString();
      std::error_code ec;
      if (!fs::is_directory(dir, ec))
        folder.Fail("package folder '" + dir.string() + "' does not exist");
      packages[package] = fs::absolute(dir).lexically_normal();
    }
  }
  const Pose local = item.Has("pose") ? ReadPose(item.Required("pose")) : Pose{};
  XMLElement* parent_body = build.mjcf.worldbody();
  Pose in_parent = Compose(at.pose, local);
  entity.pose = in_parent;
  if (const auto parent = item.Optional("parent")) {
    auto [body, frame] = ResolveMount(*parent, at.prefix + parent->AsString(), build);
    entity.parent = at.prefix + parent->AsString();
    parent_body = body;
    in_parent = Compose(frame, local);
    const auto mount = build.mounts.find(entity.parent);
    entity.pose = mount != build.mounts.end() ? Compose(mount->second.world, local) : in_parent;
  }
  item.CheckNoUnknownKeys();

  std::map<std::string, fs::path> staged;
  const std::string text = CompileAndSave(item, path, packages, &staged, &build.sources);
  tinyxml2::XMLDocument doc;
  doc.Parse(text.c_str());
  XMLElement* root = doc.RootElement();
  AnchorAssets(root, path.parent_path(), staged);
  const std::string prefix = entity.name + "/";
  PrefixNames(root, prefix);

  // Defaults: the model's root class (MuJoCo calls it "main") becomes "<name>/main".
  const std::string main_class = prefix + "main";
  if (XMLElement* defaults = root->FirstChildElement("default")) {
    defaults->SetAttribute("class", main_class.c_str());
    build.mjcf.default_classes()->InsertEndChild(defaults->DeepClone(&build.mjcf.doc()));
  } else {
    Set(Add(build.mjcf.default_classes(), "default"), "class", main_class);
  }
  // Elements outside the body tree use the root class unless they name one.
  for (const char* section : {"tendon", "equality", "actuator", "contact"}) {
    if (XMLElement* s = root->FirstChildElement(section)) {
      for (XMLElement* e = s->FirstChildElement(); e; e = e->NextSiblingElement()) {
        if (!e->Attribute("class") && std::string(e->Name()) != "exclude") {
          e->SetAttribute("class", main_class.c_str());
        }
      }
    }
  }
  if (XMLElement* asset = root->FirstChildElement("asset")) {
    for (XMLElement* e = asset->FirstChildElement(); e; e = e->NextSiblingElement()) {
      // The site has its own sky; an included skybox would replace it.
      if (std::string(e->Name()) == "texture" && e->Attribute("type", "skybox")) continue;
      build.mjcf.asset()->InsertEndChild(e->DeepClone(&build.mjcf.doc()));
    }
  }

  XMLElement* wrapper = AddBody(parent_body, entity.name, in_parent);
  Set(wrapper, "childclass", main_class);
  if (XMLElement* world = root->FirstChildElement("worldbody")) {
    for (XMLElement* c = world->FirstChildElement(); c; c = c->NextSiblingElement()) {
      XMLElement* copy = c->DeepClone(&build.mjcf.doc())->ToElement();
      if (std::string(c->Name()) == "body" && IsFreeBody(c)) {
        // Free bodies must stay children of the world: move them by the include's pose instead.
        const Pose placed = Compose(entity.pose, ReadMjcfPose(c));
        copy->DeleteAttribute("euler");
        copy->DeleteAttribute("axisangle");
        SetPose(copy, placed);
        if (!copy->Attribute("childclass")) copy->SetAttribute("childclass", main_class.c_str());
        build.mjcf.worldbody()->InsertEndChild(copy);
        CollectBodies(copy, entity, build);
      } else {
        wrapper->InsertEndChild(copy);
      }
    }
  }
  entity.bodies.insert(entity.bodies.begin(), entity.name);
  build.bodies[entity.name] = wrapper;
  for (XMLElement* c = wrapper->FirstChildElement(); c; c = c->NextSiblingElement()) {
    CollectBodies(c, entity, build);
  }
  AppendChildren(root->FirstChildElement("tendon"), build.mjcf.tendon());
  AppendChildren(root->FirstChildElement("contact"), build.mjcf.contact());
  AppendChildren(root->FirstChildElement("equality"), build.mjcf.equality());
  AppendChildren(root->FirstChildElement("actuator"), build.mjcf.actuator());
  AppendChildren(root->FirstChildElement("sensor"), build.mjcf.sensor());
  if (XMLElement* keys = root->FirstChildElement("keyframe")) {
    int count = 0;
    for (XMLElement* k = keys->FirstChildElement(); k; k = k->NextSiblingElement()) ++count;
    build.site.notes.push_back(item.Where() + ": include '" + entity.name + "': its " +
                               std::to_string(count) +
                               " keyframe(s) are not carried over (a layout has no keyframes)");
  }
  MountPoint mount;
  mount.world = entity.pose;
  mount.body = wrapper;
  mount.entity = entity.name;
  build.mounts[entity.name] = mount;
  entity.class_id = ClassId(build.site, entity.class_name);
  build.site.entities.push_back(std::move(entity));
}

}  // namespace twin::scenes::internal
