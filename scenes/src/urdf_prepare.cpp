#include "urdf_prepare.h"

#include "mesh_convert.h"
#include "urdf_check.h"

#include <twin/base/error.h>

#include <tinyxml2.h>

#include <cstdlib>
#include <functional>
#include <system_error>
#include <vector>

namespace twin::scenes::internal {
namespace fs = std::filesystem;

namespace {

fs::path MakeStagingDir() {
  std::string pattern = (fs::temp_directory_path() / "twin-urdf-XXXXXX").string();
  if (!mkdtemp(pattern.data()))
    throw base::Error("cannot create a temporary folder for a URDF import");
  return pattern;
}

// The file a URDF mesh URI names: package://PKG/REL, file:///ABS, or a path relative to the URDF.
fs::path ResolveMeshUri(const std::string& uri, const fs::path& urdf_dir,
                        const std::map<std::string, fs::path>& packages, const std::string& where) {
  const std::string package_scheme = "package://", file_scheme = "file://";
  if (uri.rfind(package_scheme, 0) == 0) {
    const std::string rest = uri.substr(package_scheme.size());
    const size_t slash = rest.find('/');
    const std::string package = rest.substr(0, slash);
    const auto it = packages.find(package);
    if (it == packages.end()) {
      throw base::Error(where + ": mesh '" + uri + "' is in ROS package '" + package +
                        "', which package_paths does not name; add package_paths: {" + package +
                        ": FOLDER} to the include");
    }
    return it->second / (slash == std::string::npos ? "" : rest.substr(slash + 1));
  }
  if (uri.rfind(file_scheme, 0) == 0) return uri.substr(file_scheme.size());
  return urdf_dir / uri;
}

}  // namespace

PreparedUrdf::PreparedUrdf(const fs::path& urdf, const std::map<std::string, fs::path>& packages)
    : staging_(MakeStagingDir()) {
  try {
    tinyxml2::XMLDocument doc;
    if (doc.LoadFile(urdf.c_str()) != tinyxml2::XML_SUCCESS) {
      throw base::Error(urdf.string() + ":" + std::to_string(doc.ErrorLineNum()) +
                        ": malformed URDF: " + doc.ErrorName());
    }
    tinyxml2::XMLElement* robot = doc.RootElement();
    if (!robot || std::string(robot->Name()) != "robot") {
      throw base::Error(urdf.string() + ": the root element must be <robot>");
    }
    CheckUrdfForMujoco(*robot, urdf.string());
    // Every <mesh filename> anywhere (visual and collision geometry), in document order.
    std::vector<tinyxml2::XMLElement*> meshes;
    const std::function<void(tinyxml2::XMLElement*)> collect = [&](tinyxml2::XMLElement* e) {
      if (std::string(e->Name()) == "mesh" && e->Attribute("filename")) meshes.push_back(e);
      for (tinyxml2::XMLElement* c = e->FirstChildElement(); c; c = c->NextSiblingElement())
        collect(c);
    };
    collect(robot);
    int index = 0;
    for (tinyxml2::XMLElement* e : meshes) {
      const std::string where = urdf.string() + ":" + std::to_string(e->GetLineNum());
      fs::path real = ResolveMeshUri(e->Attribute("filename"), urdf.parent_path(), packages, where);
      std::error_code ec;
      if (!fs::is_regular_file(real, ec)) {
        throw base::Error(where + ": mesh '" + std::string(e->Attribute("filename")) +
                          "' resolves to " + real.string() + ", which does not exist");
      }
      sources_.push_back(fs::absolute(real).lexically_normal());
      if (!MujocoReadsMesh(real)) real = ConvertMeshToObj(real, where);
      const std::string staged =
          "m" + std::to_string(index++) + "_" + real.stem().string() + real.extension().string();
      fs::create_symlink(fs::absolute(real), staging_ / staged, ec);
      if (ec)
        throw base::Error(where + ": cannot stage mesh " + real.string() + ": " + ec.message());
      real_[staged] = fs::absolute(real).lexically_normal();
      e->SetAttribute("filename", staged.c_str());
    }
    // MuJoCo's URDF reader takes compiler settings from a <mujoco> element: find meshes in the
    // staging folder, keep visual geoms (the renderer wants them; MuJoCo makes them
    // non-colliding) and keep every link a body, so the Site can name them.
    tinyxml2::XMLElement* mujoco = doc.NewElement("mujoco");
    tinyxml2::XMLElement* compiler = doc.NewElement("compiler");
    compiler->SetAttribute("meshdir", (staging_.string() + "/").c_str());
    compiler->SetAttribute("discardvisual", "false");
    compiler->SetAttribute("fusestatic", "false");
    compiler->SetAttribute("strippath", "true");
    mujoco->InsertEndChild(compiler);
    robot->InsertFirstChild(mujoco);
    path_ = staging_ / "robot.urdf";
    if (doc.SaveFile(path_.c_str()) != tinyxml2::XML_SUCCESS) {
      throw base::Error("cannot write the prepared URDF " + path_.string());
    }
  } catch (...) {
    std::error_code ec;
    fs::remove_all(staging_, ec);
    throw;
  }
}

PreparedUrdf::~PreparedUrdf() {
  std::error_code ec;
  fs::remove_all(staging_, ec);
}

fs::path PreparedUrdf::RealMesh(const std::string& staged_name) const {
  const auto it = real_.find(fs::path(staged_name).filename().string());
  return it == real_.end() ? fs::path() : it->second;
}

}  // namespace twin::scenes::internal
