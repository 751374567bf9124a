// PNG files of datasets: encoded for speed (zlib level 2, no row filters) rather than for the
// last bytes. Measured on rendered 640x480 warehouse frames (libspng 0.7.3, best of 15 on a
// loaded 2-core machine) against libspng's default (level 6, adaptive filters per row):
//   RGB 8-bit     100 KB, 115 ms  ->  114 KB, 13 ms
//   depth 16-bit   33 KB,  44 ms  ->   40 KB, 4.4 ms
//   ids 16-bit    8.8 KB,  38 ms  ->   16 KB, 3.0 ms
// Levels 1..6 with all/none/up filters and zlib strategies filtered/default/RLE were compared:
// the adaptive filters cost most of the time; without them level 1 is barely faster and 5% larger
// than 2, levels 3+ cost time for a few percent. Rendered images are mostly flat, so skipping the
// filters costs little size; any decoder reads them (checked with OpenCV in the tests).
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
