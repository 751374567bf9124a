// A PNG writer over libdeflate: rows filtered in one pass, one zlib stream, one IDAT chunk.
#include <twin/datagen/png_encode.h>

#include <twin/base/error.h>
#include <twin/datagen/atomic_file.h>

#include <libdeflate.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>

namespace twin::datagen {
namespace {

constexpr uint8_t kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

void PutU32(uint8_t* out, uint32_t v) {
  out[0] = static_cast<uint8_t>(v >> 24);
  out[1] = static_cast<uint8_t>(v >> 16);
  out[2] = static_cast<uint8_t>(v >> 8);
  out[3] = static_cast<uint8_t>(v);
}

// Appends a whole chunk: length, type, data, then the CRC of type and data.
void AppendChunk(std::vector<uint8_t>& png, const char* type, const uint8_t* data, uint32_t n) {
  uint8_t head[8];
  PutU32(head, n);
  std::memcpy(head + 4, type, 4);
  png.insert(png.end(), head, head + 8);
  uint32_t crc_value = libdeflate_crc32(0, type, 4);
  if (n > 0) {  // libdeflate_crc32 of a null buffer returns 0, not the running value
    png.insert(png.end(), data, data + n);
    crc_value = libdeflate_crc32(crc_value, data, n);
  }
  uint8_t crc[4];
  PutU32(crc, crc_value);
  png.insert(png.end(), crc, crc + 4);
}

// PNG filters work on bytes: a 16-bit sample is its big-endian high byte then low byte, each
// taken from the same byte of the reference sample without borrow. These loops have no branches
// and no dependence between samples, so the compiler vectorises them.
template <typename Sample>
void Copy(const Sample* __restrict value, size_t n, uint8_t* __restrict out) {
  if constexpr (sizeof(Sample) == 1) {
    std::memcpy(out, value, n);
  } else {
    for (size_t i = 0; i < n; ++i) {
      out[2 * i] = static_cast<uint8_t>(value[i] >> 8);
      out[2 * i + 1] = static_cast<uint8_t>(value[i]);
    }
  }
}

template <typename Sample>
void Difference(const Sample* __restrict value, const Sample* __restrict reference, size_t n,
                uint8_t* __restrict out) {
  if constexpr (sizeof(Sample) == 1) {
    for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(value[i] - reference[i]);
  } else {
    for (size_t i = 0; i < n; ++i) {
      out[2 * i] = static_cast<uint8_t>((value[i] >> 8) - (reference[i] >> 8));
      out[2 * i + 1] = static_cast<uint8_t>(value[i] - reference[i]);
    }
  }
}

// One row: its filter byte, then its filtered bytes. Sub subtracts the sample `left` samples
// before (the same channel of the previous pixel); Up the sample above, and the first row, which
// has none, is written with None.
template <typename Sample>
uint8_t* FilterRow(const Sample* row, const Sample* above, size_t samples, size_t left,
                   PngFilter filter, uint8_t* out) {
  if (filter == PngFilter::kUp && above == nullptr) filter = PngFilter::kNone;
  *out++ = static_cast<uint8_t>(filter);
  switch (filter) {
    case PngFilter::kNone: Copy(row, samples, out); break;
    case PngFilter::kUp: Difference(row, above, samples, out); break;
    case PngFilter::kSub:
      left = std::min(left, samples);
      Copy(row, left, out);
      Difference(row + left, row, samples - left, out + left * sizeof(Sample));
      break;
  }
  return out + samples * sizeof(Sample);
}

// The filtered image: every row is its filter byte then its filtered bytes.
template <typename Sample>
void FilterImage(const std::vector<Sample>& pixels, const render::Image& image, PngFilter filter,
                 uint8_t* out) {
  const size_t samples = static_cast<size_t>(image.width) * image.channels;
  for (int y = 0; y < image.height; ++y) {
    const Sample* row = pixels.data() + y * samples;
    out = FilterRow(row, y > 0 ? row - samples : nullptr, samples, image.channels, filter, out);
  }
}

// One compressor per thread and level, kept for the thread's life (allocating one costs more
// than compressing a small image).
libdeflate_compressor* Compressor(int level) {
  struct Free {
    void operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }
  };
  thread_local std::unique_ptr<libdeflate_compressor, Free> compressor;
  thread_local int compressor_level = 0;
  if (!compressor || compressor_level != level) {
    compressor.reset(libdeflate_alloc_compressor(level));
    TWIN_DEMAND(compressor != nullptr);  // only a level outside 0..12 or no memory
    compressor_level = level;
  }
  return compressor.get();
}

}  // namespace

PngEncoding DatasetPngEncoding(const render::Image& image) {
  // Measured on rendered frames (png_encode.h): Up for depth and ids, None for colour and normals.
  if (image.bit_depth == 16) return {PngFilter::kUp, 1};
  return {PngFilter::kNone, 1};
}

std::vector<uint8_t> EncodePngDeflate(const render::Image& image, const PngEncoding& encoding) {
  TWIN_DEMAND(image.width >= 1 && image.height >= 1);
  TWIN_DEMAND(image.channels == 1 || image.channels == 3 || image.channels == 4);
  TWIN_DEMAND(image.bit_depth == 8 || image.bit_depth == 16);
  const size_t values = static_cast<size_t>(image.width) * image.height * image.channels;
  TWIN_DEMAND(image.bit_depth == 8 ? image.pixels8.size() == values
                                   : image.pixels16.size() == values);

  // The filtered rows and their zlib stream, in buffers each thread keeps between images (growing
  // a vector zero-fills it, which for the compression bound costs more than copying the result).
  const size_t filtered_size = values * (image.bit_depth / 8) + image.height;
  thread_local std::vector<uint8_t> filtered, compressed;
  if (filtered.size() < filtered_size) filtered.resize(filtered_size);
  if (image.bit_depth == 8)
    FilterImage(image.pixels8, image, encoding.filter, filtered.data());
  else
    FilterImage(image.pixels16, image, encoding.filter, filtered.data());
  libdeflate_compressor* compressor = Compressor(encoding.level);
  const size_t bound = libdeflate_zlib_compress_bound(compressor, filtered_size);
  if (compressed.size() < bound) compressed.resize(bound);
  const size_t n = libdeflate_zlib_compress(compressor, filtered.data(), filtered_size,
                                            compressed.data(), compressed.size());
  TWIN_DEMAND(n > 0 && n <= std::numeric_limits<int32_t>::max());  // n <= bound by contract

  // Signature, IHDR (width, height, bit depth, colour type 0 gray / 2 RGB / 6 RGBA, compression
  // 0, filter method 0, no interlace), one IDAT with the whole zlib stream, IEND.
  std::vector<uint8_t> png;
  png.reserve(sizeof(kSignature) + (12 + 13) + (12 + n) + 12);
  png.assign(kSignature, kSignature + sizeof(kSignature));
  uint8_t ihdr[13] = {};
  PutU32(ihdr, static_cast<uint32_t>(image.width));
  PutU32(ihdr + 4, static_cast<uint32_t>(image.height));
  ihdr[8] = static_cast<uint8_t>(image.bit_depth);
  ihdr[9] = image.channels == 1 ? 0 : image.channels == 3 ? 2 : 6;
  AppendChunk(png, "IHDR", ihdr, sizeof(ihdr));
  AppendChunk(png, "IDAT", compressed.data(), static_cast<uint32_t>(n));
  AppendChunk(png, "IEND", nullptr, 0);
  return png;
}

std::vector<uint8_t> EncodeDatasetPng(const render::Image& image) {
  return EncodePngDeflate(image, DatasetPngEncoding(image));
}

void WriteDatasetPng(const std::string& path, const render::Image& image) {
  const std::vector<uint8_t> bytes = EncodeDatasetPng(image);
  WriteFileAtomic(path, bytes.data(), bytes.size());
}

}  // namespace twin::datagen
