// Atomic, optionally durable, file writes for datasets: the bytes go to `path + ".tmp.<pid>"`
// beside the target, every write and the close are checked, then rename() puts the file in place.
// A failure removes the temporary file and throws, so a final name never holds a half-written
// file and an existing file is left as it was. One writer per path at a time (the temporary name
// is per process). A run killed between open and rename leaves the temporary file behind;
// IsTemporaryName recognises it.
//
// Durable (`sync`): the file is fsynced before its rename, so the name never points at bytes
// still in the page cache, and the folder is fsynced after the rename, so the rename itself
// survives a power cut. FileBatch does the folder part once per folder for a batch of files.
#pragma once

#include <cstddef>
#include <set>
#include <string>

namespace twin::datagen {

/// Throws twin::base::Error naming `path` and the reason; when the disk is full (ENOSPC, EDQUOT, or
/// EFBIG: a file size limit) the message says so and to free space and rerun with --resume.
/// With `sync` the file is fsynced before the rename (its folder is not: see FileBatch).
void WriteFileAtomic(const std::string& path, const void* data, size_t size, bool sync = false);
void WriteTextAtomic(const std::string& path, const std::string& text, bool sync = false);

/// fsyncs the folder `dir`, so that renames and new entries in it survive a power cut. Throws
/// twin::base::Error naming the folder.
void SyncDirectory(const std::string& dir);

/// fs::create_directories that, with `sync`, also fsyncs the parent of every folder it creates.
void CreateDirectories(const std::string& dir, bool sync);

/// `name` is `<file>.tmp.<digits>`, what WriteFileAtomic writes before its rename; `file`
/// gets the final name.
bool IsTemporaryName(const std::string& name, std::string* file = nullptr);

/// Writes a batch of files (one frame, the label files) atomically and, with `sync`, durably,
/// batching the folder fsyncs: each file is fsynced before its rename, and Commit() fsyncs each
/// folder written into since the last Commit once. Not thread-safe: one batch per thread.
class FileBatch {
 public:
  explicit FileBatch(bool sync) : sync_(sync) {}
  void Write(const std::string& path, const void* data, size_t size);
  void WriteText(const std::string& path, const std::string& text);
  /// Every file written so far is in place and, with `sync`, on disk with its name.
  void Commit();

 private:
  bool sync_;
  std::set<std::string> folders_;  ///< written into since the last Commit
};

/// The reason part of a write error message for errno `error` (the disk-full advice included).
std::string WriteFailureReason(int error);

}  // namespace twin::datagen
