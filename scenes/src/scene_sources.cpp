#include <twin/scenes/scene_sources.h>

#include "layout_parts.h"
#include "model_include.h"

#include <tinyxml2.h>

#include <algorithm>
#include <functional>

namespace twin::scenes {
namespace fs = std::filesystem;
using tinyxml2::XMLElement;

namespace internal {
namespace {

fs::path Normal(const fs::path& path) {
  return fs::absolute(path).lexically_normal();
}

bool IsFile(const fs::path& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}

// MJCF (MuJoCo 2.2.2): <include file> is relative to the main model's folder; <compiler meshdir>
// applies to meshes, height fields and skins, texturedir to textures (cube faces included).
void AddMjcfFiles(const fs::path& model, std::vector<fs::path>& files) {
  const fs::path model_dir = model.parent_path();
  std::vector<std::pair<std::string, fs::path>> assets;  // element name, file as written
  fs::path mesh_dir = model_dir, texture_dir = model_dir;
  const std::function<void(const fs::path&, int)> read = [&](const fs::path& file, int depth) {
    tinyxml2::XMLDocument doc;
    if (depth > 32 || doc.LoadFile(file.c_str()) != tinyxml2::XML_SUCCESS) return;
    files.push_back(Normal(file));
    const std::function<void(const XMLElement*)> walk = [&](const XMLElement* e) {
      const std::string tag = e->Name();
      if (tag == "include") {
        if (const char* name = e->Attribute("file")) read(model_dir / name, depth + 1);
      } else if (tag == "compiler") {
        auto dir = [&](const char* attribute, fs::path& to) {
          if (const char* value = e->Attribute(attribute))
            to = fs::path(value).is_absolute() ? fs::path(value) : model_dir / value;
        };
        dir("meshdir", mesh_dir);
        dir("texturedir", texture_dir);
      }
      for (const char* attribute :
           {"file", "fileback", "filedown", "filefront", "fileleft", "fileright", "fileup"}) {
        if (tag == "include") break;
        if (const char* value = e->Attribute(attribute)) assets.emplace_back(tag, value);
      }
      for (const XMLElement* c = e->FirstChildElement(); c; c = c->NextSiblingElement()) walk(c);
    };
    if (const XMLElement* root = doc.RootElement()) walk(root);
  };
  read(model, 0);
  for (const auto& [tag, name] : assets) {
    const fs::path path = fs::path(name).is_absolute()
                              ? fs::path(name)
                              : (tag == "texture" ? texture_dir : mesh_dir) / name;
    if (IsFile(path)) files.push_back(Normal(path));
  }
}

// URDF as MuJoCo's importer reads it: mesh file names without their folders (strippath, on by
// default for URDF) in <mujoco><compiler meshdir>, else the URDF's folder.
void AddUrdfFiles(const fs::path& urdf, std::vector<fs::path>& files) {
  tinyxml2::XMLDocument doc;
  if (doc.LoadFile(urdf.c_str()) != tinyxml2::XML_SUCCESS || !doc.RootElement()) return;
  files.push_back(Normal(urdf));
  fs::path mesh_dir = urdf.parent_path();
  bool strip = true;
  if (const XMLElement* mujoco = doc.RootElement()->FirstChildElement("mujoco")) {
    if (const XMLElement* compiler = mujoco->FirstChildElement("compiler")) {
      if (const char* dir = compiler->Attribute("meshdir"))
        mesh_dir = fs::path(dir).is_absolute() ? fs::path(dir) : urdf.parent_path() / dir;
      strip = !compiler->Attribute("strippath", "false");
    }
  }
  const std::function<void(const XMLElement*)> walk = [&](const XMLElement* e) {
    if (std::string(e->Name()) == "mesh") {
      if (const char* name = e->Attribute("filename")) {
        const fs::path path = mesh_dir / (strip ? fs::path(name).filename() : fs::path(name));
        if (IsFile(path)) files.push_back(Normal(path));
      }
    }
    for (const XMLElement* c = e->FirstChildElement(); c; c = c->NextSiblingElement()) walk(c);
  };
  walk(doc.RootElement());
}

}  // namespace

std::vector<fs::path> ModelSourceFiles(const fs::path& model) {
  std::vector<fs::path> files;
  if (model.extension() == ".urdf")
    AddUrdfFiles(model, files);
  else
    AddMjcfFiles(model, files);
  return files;
}

}  // namespace internal

Scene LoadSceneListingFiles(const std::string& path, std::vector<fs::path>& files) {
  files.clear();
  Scene scene = internal::LoadSceneFile(path, &files);
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  return scene;
}

}  // namespace twin::scenes
