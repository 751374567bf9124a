#include <twin/render/image_io.h>

#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "error_message.h"
#include "python_cv.h"

using twin::render::Image;
using twin::testing::ErrorMessage;
using twin::testing::RunPython;
using twin::testing::TempDir;

namespace {

Image Rgb8(int width, int height) {
  Image image{width, height, 3, 8, {}, {}};
  for (int i = 0; i < width * height * 3; ++i)
    image.pixels8.push_back(static_cast<uint8_t>(i * 17 + 3));
  return image;
}

// What cv2.imread(path, IMREAD_UNCHANGED) sees: "shape dtype" on the first line, then the
// values of the listed pixels (row, column), one pixel per line, in OpenCV's channel order.
const char* kImreadScript = R"(
import sys, cv2
image = cv2.imread(sys.argv[1], cv2.IMREAD_UNCHANGED)
print(' '.join(map(str, image.shape)), image.dtype)
for rc in sys.argv[2:]:
    r, c = map(int, rc.split(','))
    value = image[r, c]
    print(' '.join(map(str, value.reshape(-1).tolist())))
)";

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> FilesIn(const std::string& folder) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

TEST_CASE("OpenCV reads our 8-bit RGB PNG pixel for pixel, as BGR", "[render][png]") {
  TempDir dir;
  const Image image = Rgb8(5, 4);
  twin::render::WritePng(dir / "rgb.png", image);
  const auto lines = Lines(RunPython(kImreadScript, {dir / "rgb.png", "0,0", "1,2", "3,4"}));
  REQUIRE(lines.size() == 4);
  CHECK(lines[0] == "4 5 3 uint8");
  auto bgr = [&](int row, int column) {
    const uint8_t* p = image.pixels8.data() + 3 * (row * 5 + column);
    return std::to_string(p[2]) + " " + std::to_string(p[1]) + " " + std::to_string(p[0]);
  };
  CHECK(lines[1] == bgr(0, 0));
  CHECK(lines[2] == bgr(1, 2));
  CHECK(lines[3] == bgr(3, 4));
}

TEST_CASE("OpenCV reads our 16-bit gray PNG with values above 255", "[render][png]") {
  TempDir dir;
  Image image{3, 2, 1, 16, {}, {0, 1, 255, 256, 1000, 65535}};
  twin::render::WritePng(dir / "depth.png", image);
  const auto lines = Lines(
      RunPython(kImreadScript, {dir / "depth.png", "0,0", "0,1", "0,2", "1,0", "1,1", "1,2"}));
  REQUIRE(lines.size() == 7);
  CHECK(lines[0] == "2 3 uint16");
  CHECK(lines[1] == "0");
  CHECK(lines[2] == "1");
  CHECK(lines[3] == "255");
  CHECK(lines[4] == "256");
  CHECK(lines[5] == "1000");
  CHECK(lines[6] == "65535");
}

TEST_CASE("OpenCV reads our RGBA and 16-bit RGB PNGs", "[render][png]") {
  TempDir dir;
  Image rgba{2, 1, 4, 8, {10, 20, 30, 40, 50, 60, 70, 255}, {}};
  twin::render::WritePng(dir / "rgba.png", rgba);
  auto lines = Lines(RunPython(kImreadScript, {dir / "rgba.png", "0,1"}));
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == "1 2 4 uint8");
  CHECK(lines[1] == "70 60 50 255");

  Image rgb16{1, 2, 3, 16, {}, {1, 2, 3, 40000, 513, 65535}};
  twin::render::WritePng(dir / "rgb16.png", rgb16);
  lines = Lines(RunPython(kImreadScript, {dir / "rgb16.png", "1,0"}));
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == "2 1 3 uint16");
  CHECK(lines[1] == "65535 513 40000");
}

TEST_CASE("We read PNGs that OpenCV wrote", "[render][png]") {
  TempDir dir;
  RunPython(R"(
import sys, numpy as np, cv2
gray16 = np.array([[0, 300, 65535], [7, 4096, 255]], dtype=np.uint16)
cv2.imwrite(sys.argv[1] + '/gray16.png', gray16)
bgr = np.zeros((2, 2, 3), dtype=np.uint8)
bgr[0, 1] = (1, 2, 3)     # B G R
bgr[1, 0] = (200, 100, 50)
cv2.imwrite(sys.argv[1] + '/bgr.png', bgr)
)",
            {dir.path()});
  const Image gray = twin::render::ReadPng(dir / "gray16.png");
  CHECK(gray.width == 3);
  CHECK(gray.height == 2);
  CHECK(gray.channels == 1);
  CHECK(gray.bit_depth == 16);
  CHECK(gray.pixels16 == std::vector<uint16_t>{0, 300, 65535, 7, 4096, 255});
  const Image rgb = twin::render::ReadPng(dir / "bgr.png");
  CHECK(rgb.channels == 3);
  CHECK(rgb.bit_depth == 8);
  CHECK(rgb.pixels8 == std::vector<uint8_t>{0, 0, 0, 3, 2, 1, 50, 100, 200, 0, 0, 0});
}

TEST_CASE("Every format survives a round trip through our own writer and reader", "[render][png]") {
  TempDir dir;
  for (int channels : {1, 3, 4}) {
    for (int bit_depth : {8, 16}) {
      CAPTURE(channels, bit_depth);
      Image image{7, 5, channels, bit_depth, {}, {}};
      for (int i = 0; i < 7 * 5 * channels; ++i) {
        if (bit_depth == 8) image.pixels8.push_back(static_cast<uint8_t>(i * 31));
        if (bit_depth == 16) image.pixels16.push_back(static_cast<uint16_t>(i * 2017));
      }
      const std::string path = dir / "round_trip.png";
      twin::render::WritePng(path, image);  // overwrites the previous one
      const Image back = twin::render::ReadPng(path);
      CHECK(back.width == 7);
      CHECK(back.height == 5);
      CHECK(back.channels == channels);
      CHECK(back.bit_depth == bit_depth);
      CHECK(back.pixels8 == image.pixels8);
      CHECK(back.pixels16 == image.pixels16);
    }
  }
  // Nothing but the file itself is left behind.
  CHECK(FilesIn(dir.path()) == std::vector<std::string>{"round_trip.png"});
}

TEST_CASE("EncodePng gives the bytes WritePng writes", "[render][png]") {
  TempDir dir;
  const Image image = Rgb8(9, 3);
  twin::render::WritePng(dir / "a.png", image);
  std::ifstream in(dir / "a.png", std::ios::binary);
  const std::vector<uint8_t> file((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
  CHECK(file == twin::render::EncodePng(image));
}

TEST_CASE("Writing into a folder that cannot take the file says where and why", "[render][png]") {
  TempDir dir;
  const std::string missing = dir / "no_such_folder/0.png";
  CHECK(ErrorMessage([&] { twin::render::WritePng(missing, Rgb8(2, 2)); }) ==
        "cannot write PNG '" + missing + "': No such file or directory");
  twin::testing::WriteText(dir / "a_file", "");
  const std::string under_file = dir / "a_file/0.png";
  CHECK(ErrorMessage([&] { twin::render::WritePng(under_file, Rgb8(2, 2)); }) ==
        "cannot write PNG '" + under_file + "': Not a directory");
  if (geteuid() != 0) {  // root writes through permissions
    std::filesystem::create_directory(dir / "read_only");
    std::filesystem::permissions(
        dir / "read_only", std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
    const std::string denied = dir / "read_only/0.png";
    CHECK(ErrorMessage([&] { twin::render::WritePng(denied, Rgb8(2, 2)); }) ==
          "cannot write PNG '" + denied + "': Permission denied");
    std::filesystem::permissions(dir / "read_only", std::filesystem::perms::owner_all);
  }
}

TEST_CASE("Reading something that is not a PNG says so", "[render][png]") {
  TempDir dir;
  twin::testing::WriteText(dir / "notes.png", "these are not pixels\n");
  CHECK(ErrorMessage([&] { twin::render::ReadPng(dir / "notes.png"); }) ==
        "cannot read PNG '" + (dir / "notes.png") + "': not a PNG file");
  CHECK(ErrorMessage([&] { twin::render::ReadPng(dir / "missing.png"); }) ==
        "cannot read PNG '" + (dir / "missing.png") + "': No such file or directory");
  // A PNG cut short: the header is fine, the pixels are missing.
  const std::vector<uint8_t> bytes = twin::render::EncodePng(Rgb8(32, 32));
  twin::testing::WriteText(dir / "cut.png",
                           std::string(bytes.begin(), bytes.begin() + bytes.size() / 2));
  const std::string cut = ErrorMessage([&] { twin::render::ReadPng(dir / "cut.png"); });
  CHECK_THAT(cut, Catch::StartsWith("cannot read PNG '" + (dir / "cut.png") + "': corrupt PNG ("));
}

TEST_CASE("ColouriseDepth follows OpenCV's turbo colour map, near to far", "[render][png]") {
  // A ramp of 256 depths from 1 m to 2 m, plus one pixel without depth.
  std::vector<float> depth;
  for (int i = 0; i < 256; ++i) depth.push_back(1.0f + i / 255.0f);
  depth.push_back(0);
  const Image image = twin::render::ColouriseDepth(depth, 257, 1);
  REQUIRE(image.channels == 3);
  REQUIRE(image.bit_depth == 8);
  const auto lines = Lines(RunPython(R"(
import numpy as np, cv2
lut = cv2.applyColorMap(np.arange(256, dtype=np.uint8).reshape(256, 1), cv2.COLORMAP_TURBO)
for b, g, r in lut[:, 0, :].tolist():
    print(r, g, b)
)"));
  REQUIRE(lines.size() == 256);
  int worst = 0;
  for (int i = 0; i < 256; ++i) {
    std::istringstream in(lines[i]);
    int rgb[3] = {};
    in >> rgb[0] >> rgb[1] >> rgb[2];
    for (int c = 0; c < 3; ++c)
      worst = std::max(worst, std::abs(rgb[c] - image.pixels8[3 * i + c]));
  }
  // Ours interpolates a sample of the table: a few levels apart at most.
  CHECK(worst <= 4);
  CHECK(image.pixels8[3 * 256] == 0);
  CHECK(image.pixels8[3 * 256 + 1] == 0);
  CHECK(image.pixels8[3 * 256 + 2] == 0);
}

TEST_CASE("ColouriseIds gives every id its own colour and background black", "[render][png]") {
  std::vector<uint16_t> ids(65536);
  for (size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<uint16_t>(i);
  const Image image = twin::render::ColouriseIds(ids, 256, 256);
  std::set<uint32_t> colours;
  for (size_t i = 1; i < ids.size(); ++i) {
    const uint8_t* p = image.pixels8.data() + 3 * i;
    colours.insert(uint32_t{p[0]} << 16 | uint32_t{p[1]} << 8 | p[2]);
  }
  CHECK(colours.size() == 65535);
  CHECK(colours.count(0) == 0);
  CHECK(image.pixels8[0] == 0);
  CHECK(image.pixels8[1] == 0);
  CHECK(image.pixels8[2] == 0);
  // Stable: the same id gets the same colour wherever and whenever it appears.
  const Image again = twin::render::ColouriseIds({0, 5, 5}, 3, 1);
  CHECK(
      std::equal(again.pixels8.begin() + 3, again.pixels8.begin() + 6, image.pixels8.begin() + 15));
  CHECK(std::equal(again.pixels8.begin() + 6, again.pixels8.end(), image.pixels8.begin() + 15));
}

TEST_CASE("NormalsToRgb8 maps [-1, 1] to [0, 255]", "[render][png]") {
  const std::vector<float> normals = {0, 0, -1, 1, 0, 0, 0, 0, 0, 0, -0.6f, 0.8f};
  const Image image = twin::render::NormalsToRgb8(normals, 2, 2);
  // (n + 1) / 2 * 255 by hand: 0 -> 127.5 -> 128, -0.6 -> 51, 0.8 -> 229.5 -> 230.
  CHECK(image.pixels8 == std::vector<uint8_t>{128, 128, 0, 255, 128, 128, 0, 0, 0, 128, 51, 230});
}

TEST_CASE("ContactSheet tiles images in a grid with dark gaps", "[render][png]") {
  // Tile 0: 4x2 RGB, tile 1: 2x2 gray (doubled to 4x4), tile 2: 8x4 RGB (halved to 4x2).
  Image a{4, 2, 3, 8, std::vector<uint8_t>(24, 200), {}};
  Image b{2, 2, 1, 8, {10, 20, 30, 40}, {}};
  Image c{8, 4, 3, 8, std::vector<uint8_t>(96, 90), {}};
  const Image sheet = twin::render::ContactSheet({a, b, c}, 2, 4);
  // Two columns of 4 with a 4-pixel gap; rows of 4 (the taller tile) and 2 with a gap between.
  REQUIRE(sheet.channels == 3);
  CHECK(sheet.width == 12);
  CHECK(sheet.height == 10);
  auto at = [&](int x, int y) { return sheet.pixels8[3 * (y * sheet.width + x)]; };
  CHECK(at(0, 0) == 200);
  CHECK(at(3, 1) == 200);
  CHECK(at(0, 2) == 24);  // below the short tile: dark
  CHECK(at(5, 0) == 24);  // the gap between columns
  CHECK(at(8, 0) == 10);
  CHECK(at(9, 1) == 10);
  CHECK(at(10, 0) == 20);
  CHECK(at(8, 2) == 30);
  CHECK(at(11, 3) == 40);
  CHECK(at(0, 6) == 24);  // the gap between rows
  CHECK(at(0, 8) == 90);
  CHECK(at(3, 9) == 90);
  CHECK(at(8, 8) == 24);  // no fourth tile
  CHECK(sheet.pixels8[3 * (9 * 12 + 3) + 2] == 90);
}
