// twin export SCENE -o OUT.xml: the scene as one standalone MJCF for MuJoCo's own tools.
#include <twin/scenes/export.h>
#include <twin/scenes/scene.h>

#include "verbs.h"

#include <cstdio>
#include <memory>

namespace twin::tools {
namespace {

struct ExportOptions {
  std::string scene;
  std::string out;
};

int Export(const ExportOptions& opt) {
  const scenes::Scene scene = scenes::LoadScene(opt.scene);
  const scenes::ExportResult result = scenes::ExportScene(scene, opt.out);
  std::printf("twin export: %s -> %s\n", opt.scene.c_str(), result.mjcf_path.c_str());
  if (result.asset_files > 0) {
    std::printf("  assets      %d file(s) in %s\n", result.asset_files, result.assets_dir.c_str());
  }
  for (const std::string& note : scene.site.notes) std::printf("  note        %s\n", note.c_str());
  std::printf("  check it    mujoco-testxml %s\n", result.mjcf_path.c_str());
  return kExitOk;
}

}  // namespace

void AddExportVerb(CLI::App& app, int* exit_code) {
  auto opt = std::make_shared<ExportOptions>();
  CLI::App* verb = app.add_subcommand(
      "export",
      "Write the compiled scene as standalone MJCF (with its mesh/texture files beside "
      "it) for MuJoCo's own tools");
  verb->add_option("scene", opt->scene,
                   "Scene file: a twin layout (.yaml), MuJoCo MJCF (.xml) or URDF (.urdf)")
      ->required();
  verb->add_option("-o,--output", opt->out, "The MJCF file to write, e.g. out.xml")->required();
  verb->callback([opt, exit_code] { *exit_code = Export(*opt); });
}

}  // namespace twin::tools
