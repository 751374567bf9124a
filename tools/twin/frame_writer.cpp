#include "frame_writer.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>

#include <twin/datagen/atomic_file.h>
#include <twin/scenes/error.h>

namespace twin::tools {
namespace {

namespace fs = std::filesystem;

std::string FrameName(int64_t index) {
  char name[32];
  std::snprintf(name, sizeof name, "%06lld.png", static_cast<long long>(index));
  return name;
}

render::Image Gray16(const std::vector<uint16_t>& values, int width, int height) {
  render::Image image;
  image.width = width;
  image.height = height;
  image.channels = 1;
  image.bit_depth = 16;
  image.pixels16 = values;
  return image;
}

render::Image Rgb8(const std::vector<uint8_t>& rgb, int width, int height) {
  render::Image image;
  image.width = width;
  image.height = height;
  image.channels = 3;
  image.bit_depth = 8;
  image.pixels8 = rgb;
  return image;
}

}  // namespace

void MakeDirectories(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir))
    throw Error("cannot create the output folder " + dir + ": " +
                (ec ? ec.message() : std::string("a file of that name is in the way")) +
                "; choose another with --out");
}

std::vector<std::string> WriteFrame(const std::string& out, const render::CameraFrame& frame,
                                    int64_t index) {
  std::vector<std::string> written;
  const std::string camera_dir = out + "/" + frame.camera;
  const std::string name = FrameName(index);
  auto write = [&](const std::string& modality, const render::Image& image) {
    MakeDirectories(camera_dir + "/" + modality);
    const std::string path = camera_dir + "/" + modality + "/" + name;
    render::WritePng(path, image);
    written.push_back(path);
  };
  if (!frame.rgb.empty()) write("rgb", Rgb8(frame.rgb, frame.width, frame.height));
  if (!frame.depth.empty()) {
    std::vector<uint16_t> mm(frame.pixels());
    for (size_t i = 0; i < mm.size(); ++i) {
      const double units = std::round(frame.depth[i] / kDepthScale);
      // Beyond 65.535 m a 16-bit PNG cannot hold the depth: written as "no surface".
      mm[i] = units > 0 && units <= 65535 ? static_cast<uint16_t>(units) : 0;
    }
    write("depth", Gray16(mm, frame.width, frame.height));
  }
  if (!frame.instance.empty()) {
    write("instance", Gray16(frame.instance, frame.width, frame.height));
    write("semantic", Gray16(frame.semantic, frame.width, frame.height));
  }
  if (!frame.normal.empty())
    write("normal", render::NormalsToRgb8(frame.normal, frame.width, frame.height));
  return written;
}

std::string WriteCameraJson(const std::string& out, const render::CameraFrame& frame) {
  const render::CameraIntrinsics& k = frame.intrinsics;
  nlohmann::ordered_json j;
  j["camera"] = frame.camera;
  j["width"] = frame.width;
  j["height"] = frame.height;
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
  MakeDirectories(out + "/" + frame.camera);
  const std::string path = out + "/" + frame.camera + "/camera.json";
  datagen::WriteTextAtomic(path, j.dump(2) + "\n");
  return path;
}

std::vector<std::string> WriteLabelTables(const std::string& out,
                                          const render::SceneLabels& labels) {
  nlohmann::ordered_json classes = nlohmann::ordered_json::array();
  classes.push_back({{"id", 0}, {"name", "background"}});
  for (size_t k = 0; k < labels.classes.size(); ++k)
    classes.push_back({{"id", k + 1}, {"name", labels.classes[k]}});
  nlohmann::ordered_json instances = nlohmann::ordered_json::array();
  instances.push_back({{"id", 0}, {"name", "background"}, {"class_id", 0}});
  for (size_t k = 0; k < labels.instances.size(); ++k)
    instances.push_back(
        {{"id", k + 1}, {"name", labels.instances[k]}, {"class_id", labels.instance_class[k]}});
  MakeDirectories(out);
  datagen::WriteTextAtomic(out + "/classes.json", classes.dump(2) + "\n");
  datagen::WriteTextAtomic(out + "/instances.json", instances.dump(2) + "\n");
  return {out + "/classes.json", out + "/instances.json"};
}

render::Image PreviewSheet(const std::vector<render::CameraFrame>& frames, int tile_width) {
  std::vector<render::Image> tiles;
  for (const render::CameraFrame& f : frames) {
    const int w = f.width, h = f.height;
    const std::vector<uint8_t> black(3 * f.pixels(), 0);
    tiles.push_back(Rgb8(f.rgb.empty() ? black : f.rgb, w, h));
    tiles.push_back(f.depth.empty() ? Rgb8(black, w, h) : render::ColouriseDepth(f.depth, w, h));
    tiles.push_back(f.instance.empty() ? Rgb8(black, w, h)
                                       : render::ColouriseIds(f.instance, w, h));
    tiles.push_back(f.semantic.empty() ? Rgb8(black, w, h)
                                       : render::ColouriseIds(f.semantic, w, h));
    tiles.push_back(f.normal.empty() ? Rgb8(black, w, h) : render::NormalsToRgb8(f.normal, w, h));
  }
  return render::ContactSheet(tiles, 5, tile_width);
}

}  // namespace twin::tools
