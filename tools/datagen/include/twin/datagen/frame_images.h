// A rendered camera frame as the images of the dataset layout (shared/DESIGN.md): rgb 8-bit,
// depth 16-bit millimetres, instance and semantic 16-bit ids, normals 8-bit RGB.
#pragma once

#include <string>
#include <vector>

#include <twin/datagen/frame_name.h>
#include <twin/render/frame.h>
#include <twin/render/image_io.h>

namespace twin::datagen {

/// Depth PNGs hold millimetres: metres = value * kDepthScale; 0 means no surface. Depths beyond
/// 65.535 m do not fit 16 bits and are written as 0.
inline constexpr double kDepthScale = 0.001;

struct ModalityImage {
  std::string modality;  ///< folder name: rgb, depth, instance, semantic, normal
  render::Image image;
};

/// The images of every modality present in `frame`, in the order above.
std::vector<ModalityImage> FrameImages(const render::CameraFrame& frame);

/// The contact sheet a person looks at first: one row per camera with rgb, colourised depth,
/// instance and semantic masks, and normals (a black tile for a modality not rendered).
render::Image PreviewSheet(const std::vector<render::CameraFrame>& frames, int tile_width = 320);

}  // namespace twin::datagen
