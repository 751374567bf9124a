#include "mesh_convert.h"

#include <twin/base/error.h>

#include <assimp/postprocess.h>
#include <assimp/scene.h>
#include <assimp/Exporter.hpp>
#include <assimp/Importer.hpp>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>

namespace twin::scenes::internal {
namespace fs = std::filesystem;

bool MujocoReadsMesh(const fs::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (ext == ".obj") return true;
  if (ext != ".stl") return false;
  // MuJoCo 2.2.2 reads binary STL only. A binary STL is 84 bytes of header and count plus 50
  // bytes per triangle; an ASCII one starts with "solid" and does not fit that size.
  std::ifstream in(path, std::ios::binary);
  char header[84] = {};
  in.read(header, sizeof(header));
  if (in.gcount() < 84) return false;
  uint32_t triangles = 0;
  std::memcpy(&triangles, header + 80, sizeof(triangles));
  std::error_code ec;
  return fs::file_size(path, ec) == 84 + 50 * static_cast<uintmax_t>(triangles);
}

namespace {

fs::path CacheDir() {
  if (const char* dir = std::getenv("TWIN_CACHE_DIR"); dir && *dir) return fs::path(dir) / "meshes";
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
    return fs::path(xdg) / "twin" / "meshes";
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    return fs::path(home) / ".cache" / "twin" / "meshes";
  }
  return fs::temp_directory_path() / "twin-cache" / "meshes";
}

}  // namespace

fs::path ConvertMeshToObj(const fs::path& source, const std::string& shown) {
  std::error_code ec;
  const fs::path absolute = fs::absolute(source).lexically_normal();
  // The cache key changes whenever the source file does (path, size, modification time).
  const auto stamp = fs::last_write_time(absolute, ec).time_since_epoch().count();
  const std::string key = absolute.string() + "|" + std::to_string(fs::file_size(absolute, ec)) +
                          "|" + std::to_string(stamp);
  char hash[17];
  std::snprintf(hash, sizeof(hash), "%016zx", std::hash<std::string>{}(key));
  const fs::path dir = CacheDir();
  const fs::path cached = dir / (std::string(hash) + "_" + absolute.stem().string() + ".obj");
  if (fs::exists(cached, ec)) return cached;

  Assimp::Importer importer;
  // One mesh in the file's own frame: node transforms baked in, triangles only.
  const aiScene* scene = importer.ReadFile(
      absolute.string(), aiProcess_Triangulate | aiProcess_JoinIdenticalVertices |
                             aiProcess_PreTransformVertices | aiProcess_SortByPType);
  if (!scene || !scene->HasMeshes()) {
    throw base::Error(shown + ": cannot convert mesh '" + absolute.string() +
                      "' for MuJoCo: " + (scene ? "it holds no mesh" : importer.GetErrorString()));
  }
  fs::create_directories(dir, ec);
  if (ec)
    throw base::Error(shown + ": cannot create the mesh cache " + dir.string() + ": " +
                      ec.message());
  // Written under a temporary name and renamed, so a killed run never leaves half a mesh.
  const fs::path partial = dir / (cached.filename().string() + ".partial");
  Assimp::Exporter exporter;
  if (exporter.Export(scene, "objnomtl", partial.string()) != AI_SUCCESS) {
    throw base::Error(shown + ": cannot write the converted mesh " + partial.string() + ": " +
                      exporter.GetErrorString());
  }
  fs::rename(partial, cached, ec);
  if (ec) throw base::Error(shown + ": cannot write the converted mesh " + cached.string());
  return cached;
}

}  // namespace twin::scenes::internal
