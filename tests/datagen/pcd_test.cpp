#include <twin/datagen/pcd.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <sstream>

#include <twin/datagen/atomic_file.h>

#include "python_cv.h"

namespace {

// An independent reader: parses the header line by line, builds a numpy dtype from FIELDS,
// SIZE, TYPE and COUNT, reads DATA binary and prints every point as "x y z instance" (repr of
// float32, so NaN prints as nan) with the organized shape first.
const char* kReadPcd = R"(
import sys, numpy as np
data = open(sys.argv[1], 'rb').read()
header, offset = {}, 0
while True:
    end = data.index(b'\n', offset)
    line = data[offset:end].decode('ascii')
    offset = end + 1
    if line.startswith('#'):
        continue
    key, *values = line.split()
    header[key] = values
    if key == 'DATA':
        break
assert header['VERSION'] == ['0.7'], header['VERSION']
assert header['DATA'] == ['binary']
assert header['VIEWPOINT'] == ['0', '0', '0', '1', '0', '0', '0']
kinds = {'F': 'f', 'U': 'u', 'I': 'i'}
dtype = np.dtype([(name, '<' + kinds[t] + s) for name, s, t, c in
                  zip(header['FIELDS'], header['SIZE'], header['TYPE'], header['COUNT'])
                  if c == '1'])
width, height, points = int(header['WIDTH'][0]), int(header['HEIGHT'][0]), int(header['POINTS'][0])
assert width * height == points
cloud = np.frombuffer(data, dtype=dtype, count=points, offset=offset)
assert offset + points * dtype.itemsize == len(data), 'trailing bytes'
cloud = cloud.reshape(height, width)
print(' '.join(header['FIELDS']), width, height)
for row in cloud:
    for p in row:
        print(repr(float(p['x'])), repr(float(p['y'])), repr(float(p['z'])), int(p['instance']))
)";

}  // namespace

TEST_CASE("A PCD that an independent numpy reader parses into our points, organized by channel",
          "[datagen][pcd]") {
  twin::render::LidarScan scan;
  scan.lidar = "front";
  scan.channels = 3;
  scan.horizontal_samples = 5;
  const float nan = std::nanf("");
  for (int c = 0; c < 3; ++c)
    for (int j = 0; j < 5; ++j) {
      const bool hit = (c + j) % 4 != 0;
      const float r = 1.5f + 0.37f * c + 0.011f * j;
      scan.ranges.push_back(hit ? r : 0);
      const float a = 0.3f * j - 0.6f, e = 0.1f * c - 0.1f;
      for (float v :
           {r * std::cos(e) * std::cos(a), r * std::cos(e) * std::sin(a), r * std::sin(e)})
        scan.points.push_back(hit ? v : nan);
      scan.instance.push_back(hit ? static_cast<uint16_t>(1000 * c + j + 40000 * (j == 4)) : 0);
    }
  twin::testing::TempDir dir;
  const std::vector<uint8_t> bytes = twin::datagen::EncodePcdBinary(scan);
  twin::datagen::WriteFileAtomic(dir / "scan.pcd", bytes.data(), bytes.size());
  std::istringstream out(twin::testing::RunPython(kReadPcd, {dir / "scan.pcd"}));
  std::string fields;
  std::getline(out, fields);
  CHECK(fields == "x y z instance 5 3");
  for (size_t i = 0; i < scan.beams(); ++i) {
    CAPTURE(i);
    std::string x, y, z;
    int instance = -1;
    REQUIRE(out >> x >> y >> z >> instance);
    CHECK(instance == scan.instance[i]);
    if (scan.ranges[i] == 0) {
      CHECK((x == "nan" && y == "nan" && z == "nan"));
      continue;
    }
    // repr of the float32 widened to double: exact.
    CHECK(std::stod(x) == scan.points[3 * i]);
    CHECK(std::stod(y) == scan.points[3 * i + 1]);
    CHECK(std::stod(z) == scan.points[3 * i + 2]);
  }
}
