#include <twin/datagen/png_encode.h>

#include <catch2/catch.hpp>

#include <fstream>

#include "python_cv.h"

using twin::render::Image;

namespace {

// Reads argv[1] with OpenCV (IMREAD_UNCHANGED) and compares it with the raw values in argv[2]
// (dtype argv[3], shape from the image); then walks the PNG's chunks itself, inflates the IDAT
// stream with zlib and reports the zlib level class (FLEVEL) and the set of row filter types.
const char* kCheck = R"(
import sys, struct, zlib, cv2, numpy as np
image = cv2.imread(sys.argv[1], cv2.IMREAD_UNCHANGED)
raw = np.fromfile(sys.argv[2], dtype=sys.argv[3])
if image.ndim == 3:
    image = image[:, :, ::-1]  # BGR -> RGB
assert image.dtype == raw.dtype, image.dtype
same = np.array_equal(image.reshape(-1), raw)
data = open(sys.argv[1], 'rb').read()
p, idat, ihdr = 8, b'', None
while p < len(data):
    length, kind = struct.unpack('>I4s', data[p:p + 8])
    body = data[p + 8:p + 8 + length]
    if kind == b'IHDR':
        ihdr = struct.unpack('>IIBBBBB', body)
    if kind == b'IDAT':
        idat += body
    p += 12 + length
width, height, depth, colour = ihdr[:4]
channels = {0: 1, 2: 3, 6: 4}[colour]
stride = 1 + width * channels * depth // 8
rows = zlib.decompress(idat)
filters = sorted(set(rows[r * stride] for r in range(height)))
print('same' if same else 'different', 'flevel', idat[1] >> 6, 'filters', *filters)
)";

std::string Check(const Image& image, const std::string& name) {
  twin::testing::TempDir dir;
  twin::datagen::WriteDatasetPng(dir / (name + ".png"), image);
  std::ofstream raw(dir / (name + ".raw"), std::ios::binary);
  if (image.bit_depth == 8)
    raw.write(reinterpret_cast<const char*>(image.pixels8.data()), image.pixels8.size());
  else
    raw.write(reinterpret_cast<const char*>(image.pixels16.data()), 2 * image.pixels16.size());
  raw.close();
  return twin::testing::RunPython(kCheck, {dir / (name + ".png"), dir / (name + ".raw"),
                                           image.bit_depth == 8 ? "uint8" : "<u2"});
}

}  // namespace

TEST_CASE("Dataset PNGs (zlib level 2, no row filters) read back in OpenCV pixel for pixel",
          "[datagen][png]") {
  const int w = 640, h = 480;
  // Flat regions, gradients and a few values above 255, like rendered frames.
  Image rgb{w, h, 3, 8, {}, {}}, depth{w, h, 1, 16, {}, {}}, ids{w, h, 1, 16, {}, {}};
  for (int v = 0; v < h; ++v)
    for (int u = 0; u < w; ++u) {
      const bool box = u > 200 && u < 420 && v > 100 && v < 300;
      for (int c = 0; c < 3; ++c)
        rgb.pixels8.push_back(box ? static_cast<uint8_t>(40 + 60 * c)
                                  : (u * 3 + v * (c + 1)) % 256);
      depth.pixels16.push_back(box ? 1800 + u : 4000 + 7 * v);
      ids.pixels16.push_back(box ? 60000 : u < 100 ? 0 : 1 + v / 50);
    }
  // flevel 1 = zlib's "fast" class (levels 2 to 5); filter type 0 on every row.
  CHECK(Check(rgb, "rgb") == "same flevel 1 filters 0\n");
  CHECK(Check(depth, "depth") == "same flevel 1 filters 0\n");
  CHECK(Check(ids, "ids") == "same flevel 1 filters 0\n");
  // Still compressed, and libspng's defaults are untouched for everything else.
  CHECK(twin::datagen::EncodeDatasetPng(depth).size() < depth.pixels16.size());
  CHECK(twin::render::EncodePng(depth) != twin::datagen::EncodeDatasetPng(depth));
}
