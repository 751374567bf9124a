#include <twin/datagen/png_encode.h>

#include <twin/datagen/atomic_file.h>

namespace twin::datagen {

std::vector<uint8_t> EncodeDatasetPng(const render::Image& image) {
  return render::EncodePng(image, kDatasetPng);
}

void WriteDatasetPng(const std::string& path, const render::Image& image) {
  const std::vector<uint8_t> bytes = EncodeDatasetPng(image);
  WriteFileAtomic(path, bytes.data(), bytes.size());
}

}  // namespace twin::datagen
