// PNG files of datasets: encoded for speed (zlib level 2, no row filters) rather than for the
// last bytes. Measured on a rendered 640x480 warehouse frame (libspng 0.7.3, best of 9, loaded
// machine) against libspng's default (level 6, adaptive filters):
//   RGB 8-bit    100 KB, ~150 ms  ->  114 KB, ~25 ms
//   depth 16-bit  33 KB,  ~74 ms  ->   40 KB,  ~3 ms
//   ids 16-bit   8.8 KB,  ~42 ms  ->   16 KB,  ~2 ms
// Rendered images are mostly flat, so skipping the filters costs little size; any decoder reads
// them (checked with OpenCV in the tests).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <twin/render/image_io.h>

namespace twin::datagen {

inline constexpr render::PngOptions kDatasetPng{/*compression_level=*/2, /*filter_rows=*/false};

std::vector<uint8_t> EncodeDatasetPng(const render::Image& image);

/// EncodeDatasetPng, then WriteFileAtomic (throws twin::Error naming `path`).
void WriteDatasetPng(const std::string& path, const render::Image& image);

}  // namespace twin::datagen
