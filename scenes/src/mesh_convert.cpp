#include "mesh_convert.h"

#include <twin/base/error.h>

#include <assimp/postprocess.h>
#include <assimp/scene.h>
#include <assimp/Importer.hpp>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
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

// Whether every vertex of every mesh has a normal MuJoCo can use (STL files often hold zeros).
bool HasUsableNormals(const aiScene& scene) {
  for (unsigned m = 0; m < scene.mNumMeshes; ++m) {
    const aiMesh& mesh = *scene.mMeshes[m];
    if (!mesh.HasNormals()) return false;
    for (unsigned v = 0; v < mesh.mNumVertices; ++v) {
      const aiVector3D& n = mesh.mNormals[v];
      const float length = n.Length();
      if (!std::isfinite(length) || length < 0.5f) return false;
    }
  }
  return true;
}

// Writes the triangles of `scene` (its node transforms already baked in) to `path` as OBJ:
// "v" lines, "vn" lines of the same count when every vertex has a usable normal, and "f" lines
// of 1-based indices (MuJoCo wants as many normals as vertices). Points and lines are left out.
// assimp has an OBJ exporter, but 5.2.4's fails on some ASCII STL scenes with an empty reason.
// Returns the number of triangles written; throws twin::base::Error naming `path` and the reason.
size_t WriteObj(const aiScene& scene, const fs::path& path, const std::string& shown) {
  std::FILE* out = std::fopen(path.c_str(), "w");
  if (!out) {
    throw base::Error(shown + ": cannot write the converted mesh " + path.string() + ": " +
                      std::strerror(errno));
  }
  const bool normals = HasUsableNormals(scene);
  std::fprintf(out, "# converted by twin for MuJoCo\n");
  size_t written = 0, first = 1;  // OBJ indices start at 1 and run on across meshes
  for (unsigned m = 0; m < scene.mNumMeshes; ++m) {
    const aiMesh& mesh = *scene.mMeshes[m];
    for (unsigned v = 0; v < mesh.mNumVertices; ++v) {
      const aiVector3D& p = mesh.mVertices[v];
      std::fprintf(out, "v %.9g %.9g %.9g\n", p.x, p.y, p.z);
    }
    for (unsigned v = 0; normals && v < mesh.mNumVertices; ++v) {
      const aiVector3D& n = mesh.mNormals[v];
      std::fprintf(out, "vn %.9g %.9g %.9g\n", n.x, n.y, n.z);
    }
    for (unsigned f = 0; f < mesh.mNumFaces; ++f) {
      const aiFace& face = mesh.mFaces[f];
      if (face.mNumIndices != 3) continue;
      std::fprintf(out, "f");
      for (unsigned k = 0; k < 3; ++k) {
        const size_t index = first + face.mIndices[k];
        if (normals) {
          std::fprintf(out, " %zu//%zu", index, index);
        } else {
          std::fprintf(out, " %zu", index);
        }
      }
      std::fprintf(out, "\n");
      ++written;
    }
    first += mesh.mNumVertices;
  }
  const bool failed = std::ferror(out) != 0;
  const int saved = errno;
  if (std::fclose(out) != 0 || failed) {
    throw base::Error(shown + ": cannot write the converted mesh " + path.string() + ": " +
                      std::strerror(failed ? saved : errno));
  }
  return written;
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
  if (WriteObj(*scene, partial, shown) == 0) {
    fs::remove(partial, ec);
    throw base::Error(shown + ": cannot convert mesh '" + absolute.string() +
                      "' for MuJoCo: it holds no triangles");
  }
  fs::rename(partial, cached, ec);
  if (ec) {
    throw base::Error(shown + ": cannot write the converted mesh " + cached.string() + ": " +
                      ec.message());
  }
  return cached;
}

}  // namespace twin::scenes::internal
