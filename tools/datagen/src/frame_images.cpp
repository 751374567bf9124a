#include <twin/datagen/frame_images.h>

#include <cmath>
#include <cstdio>

namespace twin::datagen {
namespace {

render::Image Make(int width, int height, int channels, int bit_depth) {
  render::Image image;
  image.width = width;
  image.height = height;
  image.channels = channels;
  image.bit_depth = bit_depth;
  return image;
}

}  // namespace

std::vector<ModalityImage> FrameImages(const render::CameraFrame& frame) {
  const int w = frame.width, h = frame.height;
  std::vector<ModalityImage> images;
  if (!frame.rgb.empty()) {
    render::Image rgb = Make(w, h, 3, 8);
    rgb.pixels8 = frame.rgb;
    images.push_back({"rgb", std::move(rgb)});
  }
  if (!frame.depth.empty()) {
    render::Image depth = Make(w, h, 1, 16);
    depth.pixels16.resize(frame.pixels());
    for (size_t i = 0; i < frame.pixels(); ++i) {
      // Rounded to the nearest unit; 0 (no depth) for no surface, NaN or beyond 65535 units.
      const double units = frame.depth[i] / kDepthScale;
      depth.pixels16[i] = units >= 0.5 && units < 65535.5 ? static_cast<uint16_t>(units + 0.5) : 0;
    }
    images.push_back({"depth", std::move(depth)});
  }
  if (!frame.instance.empty()) {
    render::Image instance = Make(w, h, 1, 16);
    instance.pixels16 = frame.instance;
    images.push_back({"instance", std::move(instance)});
    render::Image semantic = Make(w, h, 1, 16);
    semantic.pixels16 = frame.semantic;
    images.push_back({"semantic", std::move(semantic)});
  }
  if (!frame.normal.empty())
    images.push_back({"normal", render::NormalsToRgb8(frame.normal, w, h)});
  return images;
}

render::Image PreviewSheet(const std::vector<render::CameraFrame>& frames, int tile_width) {
  std::vector<render::Image> tiles;
  for (const render::CameraFrame& f : frames) {
    const int w = f.width, h = f.height;
    render::Image black = Make(w, h, 3, 8);
    black.pixels8.assign(3 * f.pixels(), 0);
    if (f.rgb.empty()) {
      tiles.push_back(black);
    } else {
      render::Image rgb = Make(w, h, 3, 8);
      rgb.pixels8 = f.rgb;
      tiles.push_back(std::move(rgb));
    }
    tiles.push_back(f.depth.empty() ? black : render::ColouriseDepth(f.depth, w, h));
    tiles.push_back(f.instance.empty() ? black : render::ColouriseIds(f.instance, w, h));
    tiles.push_back(f.semantic.empty() ? black : render::ColouriseIds(f.semantic, w, h));
    tiles.push_back(f.normal.empty() ? black : render::NormalsToRgb8(f.normal, w, h));
  }
  return render::ContactSheet(tiles, 5, tile_width);
}

}  // namespace twin::datagen
