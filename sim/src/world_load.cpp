// Loading a World: file and text checks, MuJoCo's compiler, and readable load errors.
#include <twin/base/error.h>
#include <twin/base/mujoco_messages.h>
#include <twin/scenes/scene_file.h>
#include <twin/sim/world.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <memory>
#include <regex>

namespace twin::sim {
namespace {

// MuJoCo's messages span several lines ("XML Error: ...\n\nElement 'geom', line 5\n"); make one
// line of it and put the line number where editors and people look for it: "file:5: ...".
std::string FormatLoadError(const std::string& shown, const char* mujoco_text) {
  std::string text = mujoco_text;
  std::string line;
  std::smatch match;
  if (std::regex_search(text, match, std::regex(R"(line\s*=?\s*(\d+))")) && match[1] != "0") {
    line = match[1];
  }
  std::string flat;
  for (char c : text) {
    if (c == '\n') {
      if (!flat.empty() && flat.back() != ' ') flat += flat.back() == '.' ? " " : ". ";
    } else {
      flat += c;
    }
  }
  while (!flat.empty() && (flat.back() == ' ' || flat.back() == '.')) flat.pop_back();
  return shown + (line.empty() ? "" : ":" + line) + ": MuJoCo cannot load the model: " + flat;
}

void CheckUsableOptions(const std::string& shown, const mjModel* m) {
  if (!(m->opt.timestep > 0) || !std::isfinite(m->opt.timestep)) {
    throw base::Error(shown + ": <option timestep=\"" + std::to_string(m->opt.timestep) +
                      "\"> must be a positive number of seconds (MuJoCo's default is 0.002)");
  }
}

// Runs MuJoCo's compiler on `filename` (looked up in `vfs` first, when given) and checks that the
// result can be stepped. The returned model is owned by the caller; warnings are appended.
mjModel* Compile(const std::string& shown, const std::string& filename, const mjVFS* vfs,
                 std::string* warnings) {
  char error[1024] = "";
  mjModel* model = nullptr;
  {
    base::MujocoWarningCapture capture(warnings);
    model = mj_loadXML(filename.c_str(), vfs, error, sizeof(error));
  }
  if (!model) throw base::Error(FormatLoadError(shown, error));
  // A model that loads with a warning also gets it in `error`; keep it once.
  if (error[0] && warnings->find(error) == std::string::npos)
    *warnings += std::string(error) + "\n";
  try {
    CheckUsableOptions(shown, model);
  } catch (...) {
    mj_deleteModel(model);
    throw;
  }
  return model;
}

}  // namespace

World World::FromFile(const std::string& path, WorldOptions options) {
  base::InstallMujocoHandlers();
  const scenes::SceneFile file = scenes::ReadSceneFile(path);

  std::string warnings;
  mjModel* model = Compile(path, file.path.string(), nullptr, &warnings);
  return World(file.display_path, model, std::move(options), std::move(warnings));
}

World World::FromXml(std::string_view xml, WorldOptions options, const std::string& name,
                     const std::string& base_dir) {
  base::InstallMujocoHandlers();
  const std::string text(xml);
  scenes::CheckSceneText(text, name);

  // MuJoCo reads from its virtual file system first and resolves assets against the directory of
  // the file name it is given, so the text is served under a name inside base_dir.
  namespace fs = std::filesystem;
  const fs::path dir = fs::absolute(base_dir.empty() ? fs::path(".") : fs::path(base_dir));
  const std::string vfs_name = (dir / "twin_inline_model.xml").lexically_normal().string();
  struct VfsDeleter {
    void operator()(mjVFS* vfs) const {
      mj_deleteVFS(vfs);
      delete vfs;
    }
  };
  std::unique_ptr<mjVFS, VfsDeleter> vfs(new mjVFS);  // ~2 MB of file names: keep off the stack
  mj_defaultVFS(vfs.get());
  if (mj_makeEmptyFileVFS(vfs.get(), vfs_name.c_str(), static_cast<int>(text.size())) != 0) {
    throw base::Error(name + ": cannot stage the model text for MuJoCo (text too large?)");
  }
  const int slot = mj_findFileVFS(vfs.get(), vfs_name.c_str());
  TWIN_DEMAND(slot >= 0);
  std::memcpy(vfs->filedata[slot], text.data(), text.size());

  std::string warnings;
  mjModel* model = Compile(name, vfs_name, vfs.get(), &warnings);
  return World(name, model, std::move(options), std::move(warnings));
}

namespace {

// MuJoCo sizes the model (stat.center, stat.extent: the renderer's shadow box, the free camera)
// from everything at qpos0. Distractor bodies wait parked kilometres away (randomize.h); measured
// the same way without them, the site keeps the size it has without a randomize section.
void MeasureWithoutParked(const scenes::Site& site, const mjModel* m, mjData* d,
                          mjStatistic* stat) {
  std::vector<bool> parked(m->nbody, false);
  bool any = false;
  for (const scenes::Entity& e : site.entities) {
    if (e.type != "distractor") continue;
    const int b = mj_name2id(m, mjOBJ_BODY, e.name.c_str());
    if (b > 0) parked[b] = any = true;
  }
  if (!any) return;
  mj_kinematics(m, d);
  std::array<mjtNum, 3> lo{1e10, 1e10, 1e10}, hi{-1e10, -1e10, -1e10};
  auto grow = [&](const mjtNum* p, mjtNum r) {
    for (int k = 0; k < 3; ++k) {
      lo[k] = std::min(lo[k], p[k] - r);
      hi[k] = std::max(hi[k], p[k] + r);
    }
  };
  auto kept = [&](int body) { return !parked[m->body_rootid[body]]; };
  for (int b = 1; b < m->nbody; ++b) {
    if (!kept(b)) continue;
    grow(d->xpos + 3 * b, 0);
    grow(d->xipos + 3 * b, 0);
  }
  for (int j = 0; j < m->njnt; ++j)
    if (kept(m->jnt_bodyid[j])) grow(d->xanchor + 3 * j, 0);
  for (int i = 0; i < m->nsite; ++i)
    if (kept(m->site_bodyid[i])) grow(d->site_xpos + 3 * i, 0);
  for (int g = 0; g < m->ngeom; ++g) {
    if (!kept(m->geom_bodyid[g])) continue;
    mjtNum r = m->geom_rbound[g];
    if (r <= 0 && m->geom_type[g] == mjGEOM_PLANE) {
      const mjtNum* size = m->geom_size + 3 * g;
      r = size[0] > 0 || size[1] > 0 ? 0.1 * std::max(size[0], size[1]) : 1;
    }
    grow(d->geom_xpos + 3 * g, r);
  }
  if (hi[0] <= lo[0]) return;
  for (int k = 0; k < 3; ++k) stat->center[k] = 0.5 * (lo[k] + hi[k]);
  stat->extent = std::max({1e-5, hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2], 2 * stat->meansize});
}

}  // namespace

World World::FromScene(const scenes::Scene& scene, WorldOptions options) {
  if (scene.source == scenes::SceneSource::kModel) return FromFile(scene.path, std::move(options));
  World world = FromXml(scene.mjcf, std::move(options), scene.path, scene.base_dir);
  MeasureWithoutParked(scene.site, world.model_, world.data_, &world.model_->stat);
  return world;
}

}  // namespace twin::sim
