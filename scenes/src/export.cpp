#include <twin/base/error.h>
#include <twin/base/mujoco_messages.h>
#include <twin/scenes/export.h>

#include <mujoco/mujoco.h>
#include <tinyxml2.h>

#include <cstring>
#include <filesystem>
#include <memory>

namespace twin::scenes {
namespace fs = std::filesystem;

namespace {

std::string OneLine(const char* text) {
  std::string out;
  for (const char* c = text; *c; ++c) out += (*c == '\n') ? ' ' : *c;
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// MuJoCo's compiler on the scene's MJCF, served from memory under a name in the scene's folder
// so that relative asset paths resolve as they do for the simulator.
mjModel* Compile(const Scene& scene) {
  base::InstallMujocoHandlers();
  const std::string name =
      (fs::absolute(scene.base_dir.empty() ? "." : scene.base_dir) / "twin_export_model.xml")
          .lexically_normal()
          .string();
  struct VfsDeleter {
    void operator()(mjVFS* vfs) const {
      mj_deleteVFS(vfs);
      delete vfs;
    }
  };
  std::unique_ptr<mjVFS, VfsDeleter> vfs(new mjVFS);
  mj_defaultVFS(vfs.get());
  if (mj_makeEmptyFileVFS(vfs.get(), name.c_str(), static_cast<int>(scene.mjcf.size())) != 0) {
    throw base::Error(scene.path + ": cannot stage the model for MuJoCo");
  }
  std::memcpy(vfs->filedata[mj_findFileVFS(vfs.get(), name.c_str())], scene.mjcf.data(),
              scene.mjcf.size());
  char error[1024] = "";
  std::string warnings;
  mjModel* model = nullptr;
  {
    base::MujocoWarningCapture capture(&warnings);
    model = mj_loadXML(name.c_str(), vfs.get(), error, sizeof(error));
  }
  if (!model)
    throw base::Error(scene.path + ": MuJoCo cannot compile the scene: " + OneLine(error));
  return model;
}

}  // namespace

ExportResult ExportScene(const Scene& scene, const std::string& out) {
  const fs::path target = fs::absolute(out).lexically_normal();
  std::error_code ec;
  if (target.has_parent_path() && !fs::is_directory(target.parent_path(), ec)) {
    throw base::Error(out + ": the folder " + target.parent_path().string() +
                      " does not exist (create it first)");
  }
  if (fs::is_directory(target, ec))
    throw base::Error(out + ": is a directory; give a file name like out.xml");

  mjModel* model = Compile(scene);
  const fs::path partial = target.string() + ".partial";
  char error[1024] = "";
  const bool saved = mj_saveLastXML(partial.c_str(), model, error, sizeof(error));
  mj_deleteModel(model);
  if (!saved) {
    fs::remove(partial, ec);
    throw base::Error(out + ": cannot write the model: " + OneLine(error));
  }

  // Copy every asset file beside the model and point at it relatively.
  tinyxml2::XMLDocument doc;
  if (doc.LoadFile(partial.c_str()) != tinyxml2::XML_SUCCESS) {
    fs::remove(partial, ec);
    throw base::Error(out + ": MuJoCo wrote a model tinyxml2 cannot read back");
  }
  tinyxml2::XMLElement* root = doc.RootElement();
  tinyxml2::XMLElement* compiler = root->FirstChildElement("compiler");
  const fs::path base = fs::absolute(scene.base_dir.empty() ? "." : scene.base_dir);
  const auto dir_of = [&](const char* attribute) {
    const char* dir = compiler ? compiler->Attribute(attribute) : nullptr;
    return dir ? (fs::path(dir).is_absolute() ? fs::path(dir) : base / dir) : base;
  };
  const fs::path mesh_dir = dir_of("meshdir"), texture_dir = dir_of("texturedir");
  ExportResult result;
  result.mjcf_path = target.string();
  const std::string assets_name = target.stem().string() + "_assets";
  if (tinyxml2::XMLElement* asset = root->FirstChildElement("asset")) {
    for (tinyxml2::XMLElement* e = asset->FirstChildElement(); e; e = e->NextSiblingElement()) {
      const char* file = e->Attribute("file");
      if (!file) continue;
      const fs::path source =
          fs::path(file).is_absolute()
              ? fs::path(file)
              : (std::string(e->Name()) == "texture" ? texture_dir : mesh_dir) / file;
      const fs::path dir = target.parent_path() / assets_name;
      fs::create_directories(dir, ec);
      // Numbered, so two files called base.stl in different folders stay apart.
      const std::string copy_name =
          std::to_string(result.asset_files++) + "_" + source.filename().string();
      fs::copy_file(source, dir / copy_name, fs::copy_options::overwrite_existing, ec);
      if (ec) {
        fs::remove(partial);
        throw base::Error(out + ": cannot copy asset " + source.string() + ": " + ec.message());
      }
      e->SetAttribute("file", (assets_name + "/" + copy_name).c_str());
      result.assets_dir = dir.string();
    }
  }
  if (compiler) {
    compiler->DeleteAttribute("meshdir");
    compiler->DeleteAttribute("texturedir");
  }
  if (doc.SaveFile(partial.c_str()) != tinyxml2::XML_SUCCESS) {
    fs::remove(partial, ec);
    throw base::Error(out + ": cannot write " + partial.string());
  }
  fs::rename(partial, target, ec);
  if (ec) throw base::Error(out + ": cannot write the model: " + ec.message());
  return result;
}

}  // namespace twin::scenes
