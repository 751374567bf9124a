// PNG encode/decode through libspng, atomic file writes, and images for people to look at.
#include <twin/render/image_io.h>

#include <twin/base/error.h>

#include <fcntl.h>
#include <spng.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace twin::render {
namespace {

using SpngContext = std::unique_ptr<spng_ctx, decltype(&spng_ctx_free)>;

size_t ValueCount(const Image& image) {
  return static_cast<size_t>(image.width) * image.height * image.channels;
}

// A malformed Image is a bug in the caller, not bad input.
void DemandWellFormed(const Image& image) {
  TWIN_DEMAND(image.width >= 1 && image.height >= 1);
  TWIN_DEMAND(image.channels == 1 || image.channels == 3 || image.channels == 4);
  TWIN_DEMAND(image.bit_depth == 8 || image.bit_depth == 16);
  TWIN_DEMAND(image.bit_depth == 8 ? image.pixels8.size() == ValueCount(image)
                                   : image.pixels16.size() == ValueCount(image));
}

// A full disk (or a file size limit: EFBIG) gets advice; datagen's atomic_file.cpp words it the
// same way (render cannot depend on it).
[[noreturn]] void ThrowWrite(const std::string& path, int error) {
  std::string why = std::strerror(error);
  if (error == ENOSPC || error == EDQUOT || error == EFBIG)
    why = "the disk is full (" + why + "); free some space and rerun with --resume";
  throw base::Error("cannot write PNG '" + path + "': " + why);
}

[[noreturn]] void ThrowRead(const std::string& path, const std::string& why) {
  throw base::Error("cannot read PNG '" + path + "': " + why);
}

std::vector<uint8_t> ReadFile(const std::string& path) {
  std::unique_ptr<FILE, decltype(&std::fclose)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) ThrowRead(path, std::strerror(errno));
  std::vector<uint8_t> bytes;
  uint8_t chunk[65536];
  size_t n = 0;
  while ((n = std::fread(chunk, 1, sizeof(chunk), file.get())) > 0) {
    bytes.insert(bytes.end(), chunk, chunk + n);
  }
  if (std::ferror(file.get())) ThrowRead(path, std::strerror(errno));
  return bytes;
}

// Turbo (Anton Mikhailov, Google, 2019; Apache-2.0): the published 256-entry table sampled at
// t = k / 32 and interpolated linearly, within 3 levels of the full table.
std::array<uint8_t, 3> Turbo(double t) {
  static constexpr uint8_t kTable[33][3] = {
      {48, 18, 59},   {57, 42, 115},  {64, 64, 162},  {68, 86, 199},  {70, 107, 227},
      {70, 128, 246}, {66, 148, 255}, {55, 168, 250}, {40, 188, 235}, {28, 205, 216},
      {24, 221, 194}, {31, 233, 175}, {50, 242, 152}, {78, 249, 125}, {109, 254, 98},
      {139, 255, 75}, {164, 252, 60}, {183, 247, 53}, {203, 237, 52}, {221, 224, 55},
      {236, 209, 58}, {247, 193, 58}, {253, 174, 53}, {254, 153, 44}, {251, 129, 34},
      {245, 105, 24}, {236, 83, 15},  {225, 65, 9},   {210, 49, 5},   {193, 35, 2},
      {172, 23, 1},   {149, 13, 1},   {122, 4, 3}};
  const double x = std::clamp(t, 0.0, 1.0) * 32;
  const int i = std::min(static_cast<int>(x), 31);
  const double f = x - i;
  std::array<uint8_t, 3> rgb;
  for (int c = 0; c < 3; ++c) {
    rgb[c] =
        static_cast<uint8_t>(std::lround(kTable[i][c] + f * (kTable[i + 1][c] - kTable[i][c])));
  }
  return rgb;
}

// A bijection of 16-bit values that scatters neighbours (xorshift and odd multiplies mod 2^16
// are each invertible), so ids 1, 2, 3 look nothing alike yet no two ids share a colour.
uint16_t Scatter(uint16_t x) {
  uint32_t v = x;
  v ^= v >> 7;
  v = (v * 0x2c1bu) & 0xffff;
  v ^= v >> 9;
  v = (v * 0x297du) & 0xffff;
  v ^= v >> 8;
  return static_cast<uint16_t>(v);
}

}  // namespace

std::vector<uint8_t> EncodePng(const Image& image) {
  DemandWellFormed(image);
  SpngContext ctx(spng_ctx_new(SPNG_CTX_ENCODER), &spng_ctx_free);
  TWIN_DEMAND(ctx != nullptr);
  spng_set_option(ctx.get(), SPNG_ENCODE_TO_BUFFER, 1);
  spng_ihdr ihdr = {};
  ihdr.width = static_cast<uint32_t>(image.width);
  ihdr.height = static_cast<uint32_t>(image.height);
  ihdr.bit_depth = static_cast<uint8_t>(image.bit_depth);
  ihdr.color_type = image.channels == 1   ? SPNG_COLOR_TYPE_GRAYSCALE
                    : image.channels == 3 ? SPNG_COLOR_TYPE_TRUECOLOR
                                          : SPNG_COLOR_TYPE_TRUECOLOR_ALPHA;
  int error = spng_set_ihdr(ctx.get(), &ihdr);
  // SPNG_FMT_PNG takes the PNG's own layout with 16-bit samples in host byte order.
  if (!error) {
    const void* data = image.bit_depth == 8 ? static_cast<const void*>(image.pixels8.data())
                                            : static_cast<const void*>(image.pixels16.data());
    const size_t size = ValueCount(image) * (image.bit_depth / 8);
    error = spng_encode_image(ctx.get(), data, size, SPNG_FMT_PNG, SPNG_ENCODE_FINALIZE);
  }
  // Encoding a well-formed image can only fail by running out of memory.
  if (error) throw base::Error(std::string("cannot encode PNG: ") + spng_strerror(error));
  size_t length = 0;
  std::unique_ptr<void, decltype(&std::free)> buffer(
      spng_get_png_buffer(ctx.get(), &length, &error), &std::free);
  if (error || !buffer)
    throw base::Error(std::string("cannot encode PNG: ") + spng_strerror(error));
  const auto* bytes = static_cast<const uint8_t*>(buffer.get());
  return std::vector<uint8_t>(bytes, bytes + length);
}

void WritePng(const std::string& path, const Image& image) {
  const std::vector<uint8_t> bytes = EncodePng(image);

  // A temporary name beside the target (rename is only atomic within one file system), unique
  // per process and call so that concurrent writers never share one.
  static std::atomic<uint64_t> counter{0};
  std::string temp;
  int fd = -1;
  for (int attempt = 0; fd < 0; ++attempt) {
    temp = path + ".tmp." + std::to_string(getpid()) + "." + std::to_string(counter++);
    fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);  // umask applies
    if (fd < 0 && (errno != EEXIST || attempt == 100)) ThrowWrite(path, errno);
  }
  size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      close(fd);
      unlink(temp.c_str());
      ThrowWrite(path, error);
    }
    written += static_cast<size_t>(n);
  }
  // No fsync: the rename makes the write atomic for a killed run (what resuming needs); syncing
  // every frame would cost more than the rare power cut it guards against.
  if (close(fd) != 0 || rename(temp.c_str(), path.c_str()) != 0) {
    const int error = errno;
    unlink(temp.c_str());
    ThrowWrite(path, error);
  }
}

Image ReadPng(const std::string& path) {
  const std::vector<uint8_t> bytes = ReadFile(path);
  // Checked here because libspng reads the header with the signature and reports a short text
  // file as "end of stream".
  static constexpr uint8_t kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (bytes.size() < 8 || !std::equal(kSignature, kSignature + 8, bytes.begin())) {
    ThrowRead(path, "not a PNG file");
  }
  SpngContext ctx(spng_ctx_new(0), &spng_ctx_free);
  TWIN_DEMAND(ctx != nullptr);
  spng_set_png_buffer(ctx.get(), bytes.data(), bytes.size());
  spng_ihdr ihdr = {};
  if (int error = spng_get_ihdr(ctx.get(), &ihdr)) {
    ThrowRead(path, std::string("corrupt PNG (") + spng_strerror(error) + ")");
  }

  // What we decode to: the file's own channels, with palette and gray+alpha widened to RGB(A).
  Image image;
  image.width = static_cast<int>(ihdr.width);
  image.height = static_cast<int>(ihdr.height);
  image.bit_depth = ihdr.bit_depth == 16 ? 16 : 8;
  int format = SPNG_FMT_PNG, flags = 0;
  spng_trns trns;
  switch (ihdr.color_type) {
    case SPNG_COLOR_TYPE_GRAYSCALE:
      image.channels = 1;
      if (ihdr.bit_depth < 8) format = SPNG_FMT_G8;
      break;
    case SPNG_COLOR_TYPE_TRUECOLOR: image.channels = 3; break;
    case SPNG_COLOR_TYPE_TRUECOLOR_ALPHA: image.channels = 4; break;
    case SPNG_COLOR_TYPE_GRAYSCALE_ALPHA:
      image.channels = 4;
      format = ihdr.bit_depth == 16 ? SPNG_FMT_RGBA16 : SPNG_FMT_RGBA8;
      break;
    case SPNG_COLOR_TYPE_INDEXED:
      image.bit_depth = 8;
      if (spng_get_trns(ctx.get(), &trns) == 0) {
        image.channels = 4, format = SPNG_FMT_RGBA8, flags = SPNG_DECODE_TRNS;
      } else {
        image.channels = 3, format = SPNG_FMT_RGB8;
      }
      break;
    default: ThrowRead(path, "unknown PNG colour type " + std::to_string(ihdr.color_type));
  }

  size_t size = 0;
  int error = spng_decoded_image_size(ctx.get(), format, &size);
  const size_t expected = ValueCount(image) * (image.bit_depth / 8);
  if (!error && size != expected) error = SPNG_EINTERNAL;
  if (!error) {
    if (image.bit_depth == 8) {
      image.pixels8.resize(ValueCount(image));
      error = spng_decode_image(ctx.get(), image.pixels8.data(), size, format, flags);
    } else {
      image.pixels16.resize(ValueCount(image));
      error = spng_decode_image(ctx.get(), image.pixels16.data(), size, format, flags);
    }
  }
  if (error) ThrowRead(path, std::string("corrupt PNG (") + spng_strerror(error) + ")");
  return image;
}

Image ColouriseDepth(const std::vector<float>& depth, int width, int height) {
  const size_t pixels = static_cast<size_t>(width) * height;
  TWIN_DEMAND(depth.size() == pixels);
  // Near is blue, far is red, over the range of this frame's valid depths.
  float near = INFINITY, far = -INFINITY;
  for (float z : depth) {
    if (z > 0 && std::isfinite(z)) near = std::min(near, z), far = std::max(far, z);
  }
  Image image{width, height, 3, 8, std::vector<uint8_t>(3 * pixels, 0), {}};
  for (size_t i = 0; i < pixels; ++i) {
    const float z = depth[i];
    if (!(z > 0) || !std::isfinite(z)) continue;
    const double t = far > near ? (z - near) / (double{far} - near) : 0.5;
    const auto rgb = Turbo(t);
    std::copy(rgb.begin(), rgb.end(), image.pixels8.begin() + 3 * i);
  }
  return image;
}

Image ColouriseIds(const std::vector<uint16_t>& ids, int width, int height) {
  const size_t pixels = static_cast<size_t>(width) * height;
  TWIN_DEMAND(ids.size() == pixels);
  Image image{width, height, 3, 8, std::vector<uint8_t>(3 * pixels, 0), {}};
  for (size_t i = 0; i < pixels; ++i) {
    if (ids[i] == 0) continue;
    // 6 + 5 + 5 scattered bits, each lifted off black so that no id looks like background.
    const uint16_t s = Scatter(ids[i]);
    uint8_t* out = image.pixels8.data() + 3 * i;
    out[0] = static_cast<uint8_t>(64 + 3 * (s >> 10));
    out[1] = static_cast<uint8_t>(64 + 6 * ((s >> 5) & 31));
    out[2] = static_cast<uint8_t>(64 + 6 * (s & 31));
  }
  return image;
}

Image NormalsToRgb8(const std::vector<float>& normal, int width, int height) {
  const size_t pixels = static_cast<size_t>(width) * height;
  TWIN_DEMAND(normal.size() == 3 * pixels);
  Image image{width, height, 3, 8, std::vector<uint8_t>(3 * pixels, 0), {}};
  uint8_t* out = image.pixels8.data();
  // Branch-free, so that it vectorises (-O3 for this file, CMakeLists.txt). value >= 0, so
  // adding 0.5 and truncating rounds it.
  for (size_t i = 0; i < pixels; ++i) {
    const float* n = normal.data() + 3 * i;
    const bool background = n[0] == 0 && n[1] == 0 && n[2] == 0;  // stays black
    for (int c = 0; c < 3; ++c) {
      const float value = (std::clamp(n[c], -1.0f, 1.0f) + 1) * 127.5f;
      out[3 * i + c] = background ? 0 : static_cast<uint8_t>(value + 0.5f);
    }
  }
  return image;
}

Image ContactSheet(const std::vector<Image>& tiles, int columns, int tile_width) {
  TWIN_DEMAND(columns >= 1 && tile_width >= 1);
  constexpr int kGap = 4;
  constexpr uint8_t kDark = 24;
  if (tiles.empty()) return Image{0, 0, 3, 8, {}, {}};
  columns = std::min<int>(columns, static_cast<int>(tiles.size()));
  const int rows = (static_cast<int>(tiles.size()) + columns - 1) / columns;

  // Each tile keeps its aspect; a row is as tall as its tallest tile.
  std::vector<int> tile_height(tiles.size()), row_top(rows + 1, 0);
  for (size_t t = 0; t < tiles.size(); ++t) {
    DemandWellFormed(tiles[t]);
    tile_height[t] = std::max(1, static_cast<int>(std::lround(static_cast<double>(tiles[t].height) *
                                                              tile_width / tiles[t].width)));
  }
  for (int r = 0; r < rows; ++r) {
    int tallest = 0;
    for (int c = 0; c < columns && r * columns + c < static_cast<int>(tiles.size()); ++c) {
      tallest = std::max(tallest, tile_height[r * columns + c]);
    }
    row_top[r + 1] = row_top[r] + tallest + kGap;
  }

  Image sheet;
  sheet.width = columns * tile_width + (columns - 1) * kGap;
  sheet.height = row_top[rows] - kGap;
  sheet.channels = 3;
  sheet.pixels8.assign(3 * static_cast<size_t>(sheet.width) * sheet.height, kDark);
  for (size_t t = 0; t < tiles.size(); ++t) {
    const Image& tile = tiles[t];
    const int left = static_cast<int>(t) % columns * (tile_width + kGap);
    const int top = row_top[static_cast<int>(t) / columns];
    for (int y = 0; y < tile_height[t]; ++y) {
      // Nearest: the source pixel under this tile pixel's centre.
      const int sy = std::min(tile.height - 1, (2 * y + 1) * tile.height / (2 * tile_height[t]));
      for (int x = 0; x < tile_width; ++x) {
        const int sx = std::min(tile.width - 1, (2 * x + 1) * tile.width / (2 * tile_width));
        const size_t from = (static_cast<size_t>(sy) * tile.width + sx) * tile.channels;
        uint8_t* to =
            sheet.pixels8.data() + 3 * (static_cast<size_t>(top + y) * sheet.width + left + x);
        for (int c = 0; c < 3; ++c) {
          // Gray fills all three channels; alpha is dropped; 16-bit keeps its high byte.
          const size_t channel = from + (tile.channels == 1 ? 0 : c);
          to[c] = tile.bit_depth == 8 ? tile.pixels8[channel]
                                      : static_cast<uint8_t>(tile.pixels16[channel] >> 8);
        }
      }
    }
  }
  return sheet;
}

}  // namespace twin::render
