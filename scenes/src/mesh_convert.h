// Meshes MuJoCo 2.2.2 cannot read (it reads STL and OBJ) converted with assimp into a cache.
#pragma once

#include <filesystem>
#include <string>

namespace twin::scenes::internal {

/// True for the files MuJoCo reads itself: OBJ and binary STL.
bool MujocoReadsMesh(const std::filesystem::path& path);

/// `source` as an OBJ file in the mesh cache ($TWIN_CACHE_DIR, else $XDG_CACHE_HOME/twin, else
/// ~/.cache/twin), converted with assimp on first use. Returns the cached path; throws
/// twin::base::Error starting with `shown` when assimp cannot read the file.
std::filesystem::path ConvertMeshToObj(const std::filesystem::path& source,
                                       const std::string& shown);

}  // namespace twin::scenes::internal
