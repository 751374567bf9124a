// PNG files of datasets, encoded for speed rather than for the last bytes.
//
// We write the PNG container ourselves (signature, IHDR, one IDAT, IEND, in png_encode.cpp)
// because libspng is tied to zlib, and libdeflate compresses the same filtered rows about twice as
// fast. The encoder sees an image's format, not its modality, so filter and level go by format.
// Measured on rendered 640x480 warehouse frames (3 cameras x 4 frames; mean per image of the best
// of 9 runs, thread CPU time, on a loaded 2-core machine; zlib 1.2.13, libdeflate 1.14):
//                    before: libspng, zlib 2, no filter    now: libdeflate
//   rgb 8-bit RGB        96 KB,  6.4 ms                     None, level 1:  96 KB, 3.9 ms
//   normal 8-bit RGB     23 KB,  2.9 ms                     None, level 1:  18 KB, 2.3 ms
//   depth 16-bit gray   204 KB, 11.6 ms                     Up,   level 1:  85 KB, 3.3 ms
//   instance 16-bit      16 KB,  1.9 ms                     Up,   level 1: 8.7 KB, 2.7 ms
//   semantic 16-bit      16 KB,  2.7 ms                     Up,   level 1: 7.5 KB, 3.1 ms
//   per camera          356 KB, 25.5 ms                                    216 KB, 15.3 ms
// None, Sub and Up at levels 1, 2, 3, 4 and 6 were compared. On 16-bit images Up shrinks depth as
// much as Sub (2.4x) and the ids 1.5-1.8x more than Sub. On RGB, Sub and Up cost 40-80% more time
// (rgb: -1% size; normal: -33% of a small file). Level 2 saves 6-13% for 20-40% more time.
// Filtering is one branch-free pass (0.2-0.6 ms); one compressor is kept per thread. In a 20-frame
// `twin datagen` of the warehouse (perf), PNG encoding fell from 11.2% to 7.4% of the run's CPU
// (90 -> 57 ms a frame) and the dataset from 29.9 to 21.3 MB.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <twin/render/image_io.h>

namespace twin::datagen {

/// The PNG row filters we write (PNG spec 9.2; Average and Paeth cost more than they save here).
enum class PngFilter : uint8_t { kNone = 0, kSub = 1, kUp = 2 };

/// How one image format is encoded: one filter on every row and a libdeflate level (1..12).
struct PngEncoding {
  PngFilter filter = PngFilter::kNone;
  int level = 1;
};

/// The encoding datasets use for `image`'s format (bit depth and channels).
PngEncoding DatasetPngEncoding(const render::Image& image);

/// PNG bytes of `image` (8/16-bit, gray/RGB/RGBA), the zlib stream made by libdeflate. The same
/// image and encoding always give the same bytes. A malformed Image aborts (a caller bug).
std::vector<uint8_t> EncodePngDeflate(const render::Image& image, const PngEncoding& encoding);

/// EncodePngDeflate with DatasetPngEncoding(image).
std::vector<uint8_t> EncodeDatasetPng(const render::Image& image);

/// EncodeDatasetPng, then WriteFileAtomic (throws twin::base::Error naming `path`).
void WriteDatasetPng(const std::string& path, const render::Image& image);

}  // namespace twin::datagen
