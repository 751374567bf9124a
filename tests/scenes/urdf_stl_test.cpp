// URDF meshes in STL, as a layout includes them. MuJoCo 2.2.2 reads binary STL itself; an ASCII STL
// is converted to OBJ (mesh_convert.cpp, written by twin). The truth is the STL file as the test
// parses it and MuJoCo's own compiled mesh.
#include <twin/base/error.h>
#include <twin/scenes/scene.h>
#include <twin/sim/world.h>

#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

using Catch::Matchers::Contains;

namespace {

namespace fs = std::filesystem;
using Point = std::array<float, 3>;
using Triangle = std::array<Point, 3>;

struct Folder {
  fs::path path = fs::temp_directory_path() / ("twin_urdf_stl_" + std::to_string(getpid()));
  Folder() {
    fs::remove_all(path);
    fs::create_directories(path);
    setenv("TWIN_CACHE_DIR", (path / "cache").c_str(), 1);  // converted meshes go here
  }
  ~Folder() {
    unsetenv("TWIN_CACHE_DIR");
    fs::remove_all(path);
  }
};

// A tetrahedron off its link's origin (so that MuJoCo moves it into its own frame), wound
// outwards, with the facet normals as a hand-made file has them (one not of unit length): as the
// fuzzer's STL, on which assimp 5.2.4's OBJ exporter failed with no reason.
std::vector<std::pair<Point, Triangle>> Facets() {
  const Point o{0.1f, 0.2f, 0.3f}, x{0.5f, 0.2f, 0.3f}, y{0.1f, 0.4f, 0.3f}, z{0.1f, 0.2f, 0.35f};
  return {{{0, 0, -1}, {o, y, x}},
          {{-1, 0, 0}, {o, z, y}},
          {{1, 1, 1}, {x, y, z}},
          {{0, -1, 0}, {o, x, z}}};
}

std::string AsciiStl() {
  std::ostringstream out;
  out << "solid tetrahedron\n";
  for (const auto& [n, t] : Facets()) {
    out << "facet normal " << n[0] << " " << n[1] << " " << n[2] << "\nouter loop\n";
    for (const Point& p : t) out << "vertex " << p[0] << " " << p[1] << " " << p[2] << "\n";
    out << "endloop\nendfacet\n";
  }
  out << "endsolid tetrahedron\n";
  return out.str();
}

std::string BinaryStl() {
  std::string out(80, ' ');
  const auto facets = Facets();
  const uint32_t count = static_cast<uint32_t>(facets.size());
  out.append(reinterpret_cast<const char*>(&count), 4);
  for (const auto& [n, t] : facets) {
    out.append(reinterpret_cast<const char*>(n.data()), 12);
    for (const Point& p : t) out.append(reinterpret_cast<const char*>(p.data()), 12);
    out.append(2, '\0');
  }
  return out;
}

// The facets of an ASCII STL: its "vertex" lines, three by three.
std::vector<Triangle> ParseAsciiStl(const std::string& text) {
  std::vector<Triangle> triangles;
  std::istringstream in(text);
  std::string word;
  std::vector<Point> points;
  while (in >> word) {
    if (word != "vertex") continue;
    Point p{};
    in >> p[0] >> p[1] >> p[2];
    points.push_back(p);
  }
  for (size_t i = 0; i + 2 < points.size(); i += 3)
    triangles.push_back({points[i], points[i + 1], points[i + 2]});
  return triangles;
}

// Positions on a 10 µm grid, so that float round-off compares equal.
using Key = std::array<long, 3>;
Key KeyOf(double x, double y, double z) {
  return {std::lround(x * 1e5), std::lround(y * 1e5), std::lround(z * 1e5)};
}

std::set<Key> Positions(const std::vector<Triangle>& triangles) {
  std::set<Key> keys;
  for (const Triangle& t : triangles)
    for (const Point& p : t) keys.insert(KeyOf(p[0], p[1], p[2]));
  return keys;
}

// The vertices of the one mesh geom, in its body's frame (geom_pos + geom_quat * mesh_vert):
// MuJoCo keeps mesh_vert in the mesh's own inertial frame.
std::set<Key> MujocoBodyFramePositions(const mjModel* m) {
  std::set<Key> keys;
  int geoms = 0;
  for (int g = 0; g < m->ngeom; ++g) {
    if (m->geom_type[g] != mjGEOM_MESH) continue;
    ++geoms;
    const int mesh = m->geom_dataid[g];
    mjtNum rotation[9];
    mju_quat2Mat(rotation, m->geom_quat + 4 * g);
    for (int v = m->mesh_vertadr[mesh]; v < m->mesh_vertadr[mesh] + m->mesh_vertnum[mesh]; ++v) {
      const mjtNum local[3] = {m->mesh_vert[3 * v], m->mesh_vert[3 * v + 1],
                               m->mesh_vert[3 * v + 2]};
      mjtNum p[3];
      mju_mulMatVec(p, rotation, local, 3, 3);
      keys.insert(KeyOf(p[0] + m->geom_pos[3 * g], p[1] + m->geom_pos[3 * g + 1],
                        p[2] + m->geom_pos[3 * g + 2]));
    }
  }
  REQUIRE(geoms == 1);
  return keys;
}

std::array<double, 6> BoundingBox(const std::set<Key>& keys) {
  std::array<double, 6> box{1e9, 1e9, 1e9, -1e9, -1e9, -1e9};
  for (const Key& k : keys) {
    for (int i = 0; i < 3; ++i) {
      box[i] = std::min(box[i], k[i] * 1e-5);
      box[3 + i] = std::max(box[3 + i], k[i] * 1e-5);
    }
  }
  return box;
}

void WriteRobot(const Folder& folder, const std::string& mesh, const std::string& bytes) {
  std::ofstream(folder.path / mesh, std::ios::binary) << bytes;
  const fs::path urdf = folder.path / "robot.urdf";
  std::ofstream(urdf) << "<robot name=\"stl_robot\">\n  <link name=\"base\">\n"
                         "    <inertial><mass value=\"1\"/><inertia ixx=\"0.01\" ixy=\"0\" "
                         "ixz=\"0\" iyy=\"0.01\" iyz=\"0\" izz=\"0.01\"/></inertial>\n"
                         "    <collision><geometry><mesh filename=\""
                      << mesh << "\"/></geometry></collision>\n  </link>\n</robot>\n";
}

// A layout that includes the URDF (twin's URDF preparation finds and converts its meshes).
twin::scenes::Scene LoadIncluded(const Folder& folder) {
  return twin::scenes::LoadLayoutText("include:\n  - {file: robot.urdf, name: robot}\n",
                                      (folder.path / "main.yaml").string(), folder.path.string());
}

std::vector<fs::path> CachedMeshes(const Folder& folder) {
  std::vector<fs::path> files;
  if (fs::exists(folder.path / "cache/meshes"))
    for (const auto& entry : fs::directory_iterator(folder.path / "cache/meshes"))
      files.push_back(entry.path());
  return files;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("A URDF with an ASCII STL mesh loads as an OBJ of the same triangles",
          "[scenes][include][mesh]") {
  Folder folder;
  const std::string stl = AsciiStl();
  WriteRobot(folder, "box.stl", stl);
  const std::vector<Triangle> facets = ParseAsciiStl(stl);
  REQUIRE(facets.size() == 4);
  const std::set<Key> expected = Positions(facets);
  REQUIRE(expected.size() == 4);

  const twin::sim::World world = twin::sim::World::FromScene(LoadIncluded(folder));

  // The converted OBJ: the STL's positions and as many triangles.
  const std::vector<fs::path> cached = CachedMeshes(folder);
  REQUIRE(cached.size() == 1);
  CHECK(cached[0].extension() == ".obj");
  std::istringstream obj(ReadFile(cached[0]));
  std::set<Key> written;
  size_t faces = 0;
  for (std::string line; std::getline(obj, line);) {
    std::istringstream words(line);
    std::string tag;
    words >> tag;
    if (tag == "v") {
      double x, y, z;
      words >> x >> y >> z;
      written.insert(KeyOf(x, y, z));
    }
    faces += tag == "f";
  }
  CHECK(written == expected);
  CHECK(faces == facets.size());
  // MuJoCo's compiled mesh has the same vertices, so the same bounding box.
  const std::set<Key> compiled = MujocoBodyFramePositions(world.model());
  CHECK(compiled == expected);
  CHECK(BoundingBox(compiled) == BoundingBox(expected));
}

TEST_CASE("A URDF with a binary STL mesh loads unconverted as MuJoCo reads it",
          "[scenes][include][mesh]") {
  Folder folder;
  WriteRobot(folder, "box.stl", BinaryStl());
  const twin::sim::World world = twin::sim::World::FromScene(LoadIncluded(folder));
  CHECK(CachedMeshes(folder).empty());
  CHECK(MujocoBodyFramePositions(world.model()) == Positions(ParseAsciiStl(AsciiStl())));
}

TEST_CASE("A converted mesh that cannot be written is refused with the reason",
          "[scenes][include][mesh]") {
  Folder folder;
  WriteRobot(folder, "box.stl", AsciiStl());
  LoadIncluded(folder);
  const std::vector<fs::path> cached = CachedMeshes(folder);
  REQUIRE(cached.size() == 1);
  // The same STL again, where its temporary file would go a folder stands in the way.
  fs::remove(cached[0]);
  fs::create_directory(cached[0].string() + ".partial");
  CHECK_THROWS_WITH(LoadIncluded(folder),
                    Contains("cannot write the converted mesh " + cached[0].string() +
                             ".partial: Is a directory"));
}
