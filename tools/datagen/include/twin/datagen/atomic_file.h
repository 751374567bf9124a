// Atomic file writes for datasets: the bytes go to `path + ".tmp.<pid>"` beside the target, every
// write and the close are checked, then rename() puts the file in place. A failure removes the
// temporary file and throws, so a final name never holds a half-written file and an existing
// file is left as it was. One writer per path at a time (the temporary name is per process).
#pragma once

#include <cstddef>
#include <string>

namespace twin::datagen {

/// Throws twin::Error naming `path` and the reason; when the disk is full (ENOSPC, EDQUOT, or
/// EFBIG: a file size limit) the message says so and to free space and rerun with --resume.
void WriteFileAtomic(const std::string& path, const void* data, size_t size);
void WriteTextAtomic(const std::string& path, const std::string& text);

/// The reason part of a write error message for errno `error` (the disk-full advice included).
std::string WriteFailureReason(int error);

}  // namespace twin::datagen
