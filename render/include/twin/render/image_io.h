// PNG files through libspng, and the colourisations a person needs to look at depth and masks.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace twin::render {

/// An 8- or 16-bit image in memory, row-major, channels interleaved.
struct Image {
  int width = 0, height = 0, channels = 0;  ///< channels: 1 (gray), 3 (RGB) or 4 (RGBA)
  int bit_depth = 8;                        ///< 8 or 16
  std::vector<uint8_t> pixels8;             ///< used when bit_depth == 8
  std::vector<uint16_t> pixels16;           ///< used when bit_depth == 16 (native byte order)
};

/// Writes `image` to `path` atomically (a temporary name in the same folder, then rename), with
/// libspng's defaults: zlib level 6 and, per row, the best of the five PNG filters (smallest
/// files, slowest). Datasets are written faster by datagen/png_encode.h.
/// Throws twin::base::Error naming the path and the reason (e.g. the folder is not writable; a full
/// disk says so and to free space and rerun with --resume).
void WritePng(const std::string& path, const Image& image);

/// Encodes to PNG bytes in memory (what WritePng writes).
std::vector<uint8_t> EncodePng(const Image& image);

/// Reads an 8- or 16-bit gray/RGB/RGBA PNG (palette and gray+alpha files come back as RGB(A),
/// low bit depths as 8-bit); throws twin::base::Error naming the path on failure.
Image ReadPng(const std::string& path);

/// Depth (metres, 0 = none) as an RGB image with the turbo colour map between the nearest and
/// farthest valid depth; no-depth pixels are black.
Image ColouriseDepth(const std::vector<float>& depth, int width, int height);

/// Ids as an RGB image: 0 black, every other id a distinct, stable colour (a hash of the id).
Image ColouriseIds(const std::vector<uint16_t>& ids, int width, int height);

/// Camera-frame unit normals as 8-bit RGB: (n + 1) / 2 * 255, background black.
Image NormalsToRgb8(const std::vector<float>& normal, int width, int height);

/// Tiles RGB images into a grid of `columns` (each tile scaled to `tile_width`, aspect kept,
/// nearest), with a 4-pixel dark gap between tiles.
Image ContactSheet(const std::vector<Image>& tiles, int columns, int tile_width);

}  // namespace twin::render
