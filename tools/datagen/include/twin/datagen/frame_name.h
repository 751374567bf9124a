// The file names of a dataset's frames (images, point clouds, frame records).
#pragma once

#include <cstdint>
#include <string>

namespace twin::datagen {

/// The file name of frame `index`, e.g. "000042" + extension.
std::string FrameFileName(int64_t index, const char* extension);

}  // namespace twin::datagen
