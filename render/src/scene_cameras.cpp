#include <twin/render/scene_cameras.h>

#include <twin/base/error.h>
#include <twin/base/suggest.h>

namespace twin::render {

std::vector<RenderCamera> SceneCameras(const scenes::Scene& scene, const mjModel* m, int width,
                                       int height) {
  std::vector<RenderCamera> cameras;
  if (scene.source == scenes::SceneSource::kLayout) {
    for (const scenes::CameraSpec& spec : scene.site.cameras) {
      RenderCamera c;
      c.name = spec.name;
      c.mj_camera = mj_name2id(m, mjOBJ_CAMERA, spec.name.c_str());
      TWIN_DEMAND(c.mj_camera >= 0);  // the layout loader made it
      c.intrinsics = {spec.width, spec.height, spec.fx, spec.fy, spec.cx, spec.cy,
                      spec.k1,    spec.k2,     spec.p1, spec.p2, spec.k3};
      c.noise = {spec.rgb_noise, spec.depth_noise, spec.dropout};
      cameras.push_back(c);
    }
  } else {
    for (int cam = 0; cam < m->ncam; ++cam)
      cameras.push_back(CameraFromModel(m, cam, width, height));
  }
  if (cameras.empty()) cameras.push_back(CameraFromModel(m, -1, width, height));
  return cameras;
}

SceneLabels SceneLabelsOf(const scenes::Scene& scene, const mjModel* m) {
  return scene.source == scenes::SceneSource::kLayout ? LabelsFromSite(scene.site, m)
                                                      : LabelsFromModel(m);
}

std::vector<RenderCamera> SelectCameras(const std::vector<RenderCamera>& cameras,
                                        const std::string& selection) {
  if (selection == "all") return cameras;
  std::vector<std::string> names;
  for (const RenderCamera& c : cameras) {
    if (c.name == selection) return {c};
    names.push_back(c.name);
  }
  throw base::Error("--camera " + selection + ": no such camera" +
                    base::UnknownNameHint(selection, names, "; the scene has: ") + " (or 'all')");
}

}  // namespace twin::render
