#include <twin/datagen/dataset_files.h>

#include <nlohmann/json.hpp>

#include <twin/datagen/frame_images.h>

namespace twin::datagen {

std::string CameraJsonText(const std::string& camera, const render::CameraIntrinsics& k) {
  nlohmann::ordered_json j;
  j["camera"] = camera;
  j["width"] = k.width;
  j["height"] = k.height;
  j["K"] = {k.fx, 0.0, k.cx, 0.0, k.fy, k.cy, 0.0, 0.0, 1.0};
  j["fx"] = k.fx;
  j["fy"] = k.fy;
  j["cx"] = k.cx;
  j["cy"] = k.cy;
  j["distortion_model"] = "plumb_bob";
  j["distortion"] = {k.k1, k.k2, k.p1, k.p2, k.k3};
  j["depth_scale"] = kDepthScale;
  j["depth"] = "metres along the optical axis = value * depth_scale; 0 = no surface";
  j["frame"] = "OpenCV: x right, y down, z forward; pixel centres at integer coordinates";
  return j.dump(2) + "\n";
}

std::string ClassesJsonText(const render::SceneLabels& labels) {
  nlohmann::ordered_json classes = nlohmann::ordered_json::array();
  classes.push_back({{"id", 0}, {"name", "background"}});
  for (size_t k = 0; k < labels.classes.size(); ++k)
    classes.push_back({{"id", k + 1}, {"name", labels.classes[k]}});
  return classes.dump(2) + "\n";
}

std::string InstancesJsonText(const render::SceneLabels& labels) {
  nlohmann::ordered_json instances = nlohmann::ordered_json::array();
  instances.push_back({{"id", 0}, {"name", "background"}, {"class_id", 0}});
  for (size_t k = 0; k < labels.instances.size(); ++k)
    instances.push_back(
        {{"id", k + 1}, {"name", labels.instances[k]}, {"class_id", labels.instance_class[k]}});
  return instances.dump(2) + "\n";
}

}  // namespace twin::datagen
