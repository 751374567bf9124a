#include <twin/datagen/png_encode.h>

#include <twin/base/error.h>

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <fstream>
#include <iterator>
#include <thread>

#include "python_cv.h"

using twin::datagen::EncodePngDeflate;
using twin::datagen::PngEncoding;
using twin::datagen::PngFilter;
using twin::render::Image;

namespace {

// For each (png, raw, dtype) triple of arguments: reads the PNG with OpenCV (IMREAD_UNCHANGED)
// and compares it with the raw values (shape from the image); then walks the PNG's chunks itself,
// checks every chunk's CRC with zlib.crc32, inflates the IDAT stream with zlib (which checks the
// Adler-32) and prints one line: same/different, the zlib level class (FLEVEL), the shape and the
// set of row filter types.
const char* kCheck = R"(
import sys, struct, zlib, cv2, numpy as np
args = sys.argv[1:]
for i in range(0, len(args), 3):
    png, raw, dtype = args[i:i + 3]
    image = cv2.imread(png, cv2.IMREAD_UNCHANGED)
    if image.ndim == 3:
        image = image[:, :, [2, 1, 0, 3][:image.shape[2]]]  # BGR(A) -> RGB(A)
    raw = np.fromfile(raw, dtype=dtype)
    assert image.dtype == raw.dtype, image.dtype
    same = np.array_equal(image.reshape(-1), raw)
    data = open(png, 'rb').read()
    assert data[:8] == b'\x89PNG\r\n\x1a\n'
    p, idat, ihdr, kinds = 8, b'', None, []
    while p < len(data):
        length, kind = struct.unpack('>I4s', data[p:p + 8])
        body = data[p + 8:p + 8 + length]
        crc, = struct.unpack('>I', data[p + 8 + length:p + 12 + length])
        assert crc == zlib.crc32(kind + body), (png, kind)
        kinds.append(kind.decode())
        if kind == b'IHDR':
            ihdr = struct.unpack('>IIBBBBB', body)
        if kind == b'IDAT':
            idat += body
        p += 12 + length
    assert kinds == ['IHDR', 'IDAT', 'IEND'], kinds
    width, height, depth, colour = ihdr[:4]
    channels = {0: 1, 2: 3, 6: 4}[colour]
    stride = 1 + width * channels * depth // 8
    rows = zlib.decompress(idat)
    assert len(rows) == height * stride
    filters = sorted(set(rows[r * stride] for r in range(height)))
    print('same' if same else 'different', 'flevel', idat[1] >> 6,
          '%dx%dx%d@%d' % (width, height, channels, depth), 'filters', *filters)
)";

struct Case {
  std::string name;
  Image image;
  std::vector<uint8_t> png;
};

// Writes every case's PNG and raw values and runs kCheck once over all of them; one line each.
std::vector<std::string> CheckWithOpenCv(const std::vector<Case>& cases) {
  twin::testing::TempDir dir;
  std::vector<std::string> args;
  for (const Case& c : cases) {
    const Image& image = c.image;
    std::ofstream png(dir / (c.name + ".png"), std::ios::binary);
    png.write(reinterpret_cast<const char*>(c.png.data()), c.png.size());
    std::ofstream raw(dir / (c.name + ".raw"), std::ios::binary);
    if (image.bit_depth == 8)
      raw.write(reinterpret_cast<const char*>(image.pixels8.data()), image.pixels8.size());
    else
      raw.write(reinterpret_cast<const char*>(image.pixels16.data()), 2 * image.pixels16.size());
    args.insert(args.end(), {dir / (c.name + ".png"), dir / (c.name + ".raw"),
                             image.bit_depth == 8 ? "uint8" : "<u2"});
  }
  const std::string out = twin::testing::RunPython(kCheck, args);
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t end; (end = out.find('\n', start)) != std::string::npos; start = end + 1)
    lines.push_back(out.substr(start, end - start));
  return lines;
}

// Decodes PNG bytes with libspng (render::ReadPng reads a file).
Image ReadWithSpng(const std::vector<uint8_t>& png) {
  twin::testing::TempDir dir;
  std::ofstream(dir / "a.png", std::ios::binary)
      .write(reinterpret_cast<const char*>(png.data()), png.size());
  return twin::render::ReadPng(dir / "a.png");
}

// An image with flat runs, gradients, and (16-bit) values whose bytes borrow across each other
// (0x00ff next to 0x0100, 0xffff next to 0): a fixed sequence, the same every run.
Image Pattern(int width, int height, int channels, int bit_depth) {
  Image image{width, height, channels, bit_depth, {}, {}};
  uint32_t state = 12345;
  const size_t n = static_cast<size_t>(width) * height * channels;
  for (size_t i = 0; i < n; ++i) {
    state = state * 1664525u + 1013904223u;
    const uint32_t kind = (i / 7) % 4;
    const uint32_t value = kind == 0   ? 0
                           : kind == 1 ? (i % 2 ? 0x00ff : 0x0100)
                           : kind == 2 ? (i % 2 ? 0xffff : 0)
                                       : state >> 16;
    if (bit_depth == 8)
      image.pixels8.push_back(static_cast<uint8_t>(value + (value >> 8)));
    else
      image.pixels16.push_back(static_cast<uint16_t>(value));
  }
  return image;
}

std::string Shape(const Image& image) {
  return std::to_string(image.width) + "x" + std::to_string(image.height) + "x" +
         std::to_string(image.channels) + "@" + std::to_string(image.bit_depth);
}

}  // namespace

TEST_CASE("Every filter, format and odd size reads back in libspng and OpenCV value for value",
          "[datagen][png]") {
  const std::vector<std::array<int, 4>> formats = {
      {1, 1, 3, 8}, {1, 1, 1, 16}, {3, 5, 3, 8},   {3, 5, 1, 16},   {3, 5, 1, 8},
      {3, 5, 4, 8}, {3, 5, 3, 16}, {641, 3, 3, 8}, {641, 3, 1, 16}, {2, 7, 4, 16}};
  std::vector<Case> cases;
  for (const auto& [w, h, channels, depth] : formats)
    for (PngFilter filter : {PngFilter::kNone, PngFilter::kSub, PngFilter::kUp}) {
      Case c{"", Pattern(w, h, channels, depth), {}};
      c.name = Shape(c.image) + "_f" + std::to_string(static_cast<int>(filter));
      c.png = EncodePngDeflate(c.image, {filter, 1});
      const Image back = ReadWithSpng(c.png);
      INFO(c.name);
      CHECK(back.width == w);
      CHECK(back.height == h);
      CHECK(back.channels == channels);
      CHECK(back.bit_depth == depth);
      CHECK(back.pixels8 == c.image.pixels8);
      CHECK(back.pixels16 == c.image.pixels16);
      cases.push_back(std::move(c));
    }
  const std::vector<std::string> lines = CheckWithOpenCv(cases);
  REQUIRE(lines.size() == cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    const int filter = static_cast<int>(i % 3);
    // Up has no row above the first, which is written with None.
    const std::string filters = filter == 0           ? "0"
                                : filter == 1         ? "1"
                                : c.image.height == 1 ? "0"
                                                      : "0 2";
    // flevel 0: libdeflate's level 1 is the "fastest" class.
    CHECK(lines[i] == "same flevel 0 " + Shape(c.image) + " filters " + filters);
  }
}

TEST_CASE("Dataset PNGs: Up on 16-bit, None on 8-bit, level 1, smaller than unfiltered depth",
          "[datagen][png]") {
  const int w = 640, h = 480;
  // Flat regions, gradients and values above 255, like rendered frames: depth (millimetres) is a
  // curved surface that no row repeats, with a box in front of it.
  Image rgb{w, h, 3, 8, {}, {}}, depth{w, h, 1, 16, {}, {}}, ids{w, h, 1, 16, {}, {}};
  for (int v = 0; v < h; ++v)
    for (int u = 0; u < w; ++u) {
      const bool box = u > 200 && u < 420 && v > 100 && v < 300;
      for (int c = 0; c < 3; ++c)
        rgb.pixels8.push_back(box ? static_cast<uint8_t>(40 + 60 * c)
                                  : (u * 3 + v * (c + 1)) % 256);
      depth.pixels16.push_back(
          box ? 1800 + u / 4
              : static_cast<int>(3000 + 400 * std::sin(u / 37.0) * std::cos(v / 53.0)));
      ids.pixels16.push_back(box ? 60000 : u < 100 ? 0 : 1 + v / 50);
    }
  std::vector<Case> cases = {{"rgb", rgb, twin::datagen::EncodeDatasetPng(rgb)},
                             {"depth", depth, twin::datagen::EncodeDatasetPng(depth)},
                             {"ids", ids, twin::datagen::EncodeDatasetPng(ids)}};
  const std::vector<std::string> lines = CheckWithOpenCv(cases);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "same flevel 0 640x480x3@8 filters 0");
  CHECK(lines[1] == "same flevel 0 640x480x1@16 filters 0 2");
  CHECK(lines[2] == "same flevel 0 640x480x1@16 filters 0 2");
  // WriteDatasetPng writes those bytes.
  twin::testing::TempDir dir;
  twin::datagen::WriteDatasetPng(dir / "depth.png", depth);
  std::ifstream file(dir / "depth.png", std::ios::binary);
  CHECK(std::vector<uint8_t>(std::istreambuf_iterator<char>(file), {}) == cases[1].png);
  // The filter earns its place: Up-filtered depth is several times smaller than unfiltered.
  const size_t up = cases[1].png.size();
  const size_t none = EncodePngDeflate(depth, {PngFilter::kNone, 1}).size();
  INFO("depth: Up " << up << " bytes, None " << none << " bytes");
  CHECK(up * 3 < none * 2);
  CHECK(none < depth.pixels16.size() * 2);
}

TEST_CASE("Dataset PNGs are deterministic across calls, threads and compressor levels",
          "[datagen][png]") {
  const Image depth = Pattern(97, 31, 1, 16), rgb = Pattern(64, 48, 3, 8);
  const std::vector<uint8_t> first = twin::datagen::EncodeDatasetPng(depth);
  CHECK(twin::datagen::EncodeDatasetPng(depth) == first);
  // Another level in between replaces this thread's compressor; the bytes come back the same.
  const std::vector<uint8_t> level6 = EncodePngDeflate(depth, {PngFilter::kUp, 6});
  CHECK(level6 != first);
  CHECK(ReadWithSpng(level6).pixels16 == depth.pixels16);
  CHECK(twin::datagen::EncodeDatasetPng(rgb) != first);
  CHECK(twin::datagen::EncodeDatasetPng(depth) == first);
  std::vector<uint8_t> other;
  std::thread([&] { other = twin::datagen::EncodeDatasetPng(depth); }).join();
  CHECK(other == first);
}

TEST_CASE("A corrupted chunk CRC is rejected by libspng and OpenCV", "[datagen][png]") {
  const Image image = Pattern(5, 4, 3, 8);
  const std::vector<uint8_t> good = twin::datagen::EncodeDatasetPng(image);
  REQUIRE(ReadWithSpng(good).pixels8 == image.pixels8);
  // The IHDR CRC is bytes 29..32 (8 signature + 4 length + 4 type + 13 data); the IDAT CRC ends
  // 12 bytes (the IEND chunk) before the end. Only a CRC changes; the data stays valid.
  for (size_t at : {size_t{29}, good.size() - 13}) {
    std::vector<uint8_t> bad = good;
    bad[at] ^= 0x01;
    INFO("flipped byte " << at);
    // libspng stops reading the IDAT once its zlib stream ends, before that chunk's CRC, so only
    // the IHDR CRC is its to reject; libpng (OpenCV) checks both.
    if (at == 29) CHECK_THROWS_AS(ReadWithSpng(bad), twin::base::Error);
    twin::testing::TempDir dir;
    std::ofstream(dir / "bad.png", std::ios::binary)
        .write(reinterpret_cast<const char*>(bad.data()), bad.size());
    CHECK(twin::testing::RunPython("import sys, cv2\n"
                                   "print(cv2.imread(sys.argv[1], cv2.IMREAD_UNCHANGED) is None)\n",
                                   {dir / "bad.png"}) == "True\n");
  }
}
