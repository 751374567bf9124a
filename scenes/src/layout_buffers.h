// Sizing MuJoCo 2.2.2's fixed per-mjData buffers for a layout's model.
#pragma once

#include "mjcf_builder.h"

namespace twin::scenes::internal {

/// Writes <size nconmax njmax nstack> for the model in `mjcf`, from what the document holds:
/// its free bodies (contacts and constraint rows), and its degrees of freedom, bodies and geoms
/// (the stack). Call once, when the document is complete.
void SizeBuffers(MjcfDocument& mjcf);

}  // namespace twin::scenes::internal
