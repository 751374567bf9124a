#include "frame_writer.h"

#include <filesystem>

#include <twin/base/error.h>
#include <twin/datagen/atomic_file.h>
#include <twin/datagen/dataset_files.h>
#include <twin/datagen/frame_images.h>
#include <twin/datagen/png_encode.h>

namespace twin::tools {

void MakeDirectories(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir))
    throw base::Error("cannot create the output folder " + dir + ": " +
                      (ec ? ec.message() : std::string("a file of that name is in the way")) +
                      "; choose another with --out");
}

std::vector<std::string> WriteFrame(const std::string& out, const render::CameraFrame& frame,
                                    int64_t index) {
  std::vector<std::string> written;
  for (const datagen::ModalityImage& image : datagen::FrameImages(frame)) {
    const std::string folder = out + "/" + frame.camera + "/" + image.modality;
    MakeDirectories(folder);
    const std::string path = folder + "/" + datagen::FrameFileName(index, ".png");
    datagen::WriteDatasetPng(path, image.image);
    written.push_back(path);
  }
  return written;
}

std::string WriteCameraJson(const std::string& out, const render::CameraFrame& frame) {
  MakeDirectories(out + "/" + frame.camera);
  const std::string path = out + "/" + frame.camera + "/camera.json";
  datagen::WriteTextAtomic(path, datagen::CameraJsonText(frame.camera, frame.intrinsics));
  return path;
}

std::vector<std::string> WriteLabelTables(const std::string& out,
                                          const render::SceneLabels& labels) {
  MakeDirectories(out);
  datagen::WriteTextAtomic(out + "/classes.json", datagen::ClassesJsonText(labels));
  datagen::WriteTextAtomic(out + "/instances.json", datagen::InstancesJsonText(labels));
  return {out + "/classes.json", out + "/instances.json"};
}

}  // namespace twin::tools
