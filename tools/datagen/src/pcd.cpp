#include <twin/datagen/pcd.h>

#include <cstring>
#include <string>

#include <twin/base/error.h>

namespace twin::datagen {

std::vector<uint8_t> EncodePcdBinary(const render::LidarScan& scan) {
  const size_t beams = static_cast<size_t>(scan.channels) * scan.horizontal_samples;
  TWIN_DEMAND(scan.points.size() == 3 * beams && scan.instance.size() == beams);
  static_assert(sizeof(float) == 4);
  const std::string header =
      "# .PCD v0.7 - Point Cloud Data file format\n"
      "VERSION 0.7\n"
      "FIELDS x y z instance\n"
      "SIZE 4 4 4 2\n"
      "TYPE F F F U\n"
      "COUNT 1 1 1 1\n"
      "WIDTH " +
      std::to_string(scan.horizontal_samples) +
      "\n"
      "HEIGHT " +
      std::to_string(scan.channels) +
      "\n"
      "VIEWPOINT 0 0 0 1 0 0 0\n"
      "POINTS " +
      std::to_string(beams) +
      "\n"
      "DATA binary\n";
  constexpr size_t kPointBytes = 3 * 4 + 2;
  std::vector<uint8_t> bytes(header.size() + beams * kPointBytes);
  std::memcpy(bytes.data(), header.data(), header.size());
  uint8_t* out = bytes.data() + header.size();
  for (size_t i = 0; i < beams; ++i, out += kPointBytes) {
    std::memcpy(out, &scan.points[3 * i], 12);
    std::memcpy(out + 12, &scan.instance[i], 2);
  }
  return bytes;
}

}  // namespace twin::datagen
