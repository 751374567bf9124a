// Getting a URDF ready for MuJoCo's importer, which drops the folders of mesh file names and
// looks them up in one meshdir (so package:// URIs fail and visual/base.dae collides with
// collision/base.stl). Every mesh is resolved (package://, file://, relative), converted when
// MuJoCo cannot read it, and staged under a unique name in a private folder.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace twin::scenes::internal {

class PreparedUrdf {
 public:
  /// `packages` maps a ROS package name to its folder. Errors name the URDF's file and line.
  PreparedUrdf(const std::filesystem::path& urdf,
               const std::map<std::string, std::filesystem::path>& packages);
  ~PreparedUrdf();
  PreparedUrdf(const PreparedUrdf&) = delete;
  PreparedUrdf& operator=(const PreparedUrdf&) = delete;

  /// The rewritten URDF to hand to MuJoCo.
  const std::filesystem::path& path() const { return path_; }
  /// The real mesh file behind a staged name (for writing absolute paths back).
  std::filesystem::path RealMesh(const std::string& staged_name) const;
  /// The mesh files the URDF names, as found (before any conversion), absolute.
  const std::vector<std::filesystem::path>& mesh_sources() const { return sources_; }

 private:
  std::filesystem::path staging_;
  std::filesystem::path path_;
  std::map<std::string, std::filesystem::path> real_;
  std::vector<std::filesystem::path> sources_;
};

}  // namespace twin::scenes::internal
