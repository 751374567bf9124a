#include <twin/datagen/atomic_file.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <twin/base/error.h>

namespace twin::datagen {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void Fail(const std::string& path, const std::string& temporary, int error) {
  if (!temporary.empty()) unlink(temporary.c_str());
  throw base::Error("cannot write '" + path + "': " + WriteFailureReason(error));
}

std::string FolderOf(const std::string& path) {
  const std::string folder = fs::path(path).parent_path().string();
  return folder.empty() ? "." : folder;
}

}  // namespace

std::string WriteFailureReason(int error) {
  const std::string what = std::strerror(error);
  if (error == ENOSPC || error == EDQUOT || error == EFBIG)
    return "the disk is full (" + what + "); free some space and rerun with --resume";
  return what;
}

void WriteFileAtomic(const std::string& path, const void* data, size_t size, bool sync) {
  // Beside the target: rename() is only atomic within one file system.
  const std::string temporary = path + ".tmp." + std::to_string(getpid());
  const int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) Fail(path, "", errno);
  const auto* bytes = static_cast<const char*>(data);
  size_t written = 0;
  while (written < size) {
    const ssize_t n = write(fd, bytes + written, size - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      close(fd);
      Fail(path, temporary, error);
    }
    written += static_cast<size_t>(n);
  }
  if (sync && fsync(fd) != 0) {
    const int error = errno;
    close(fd);
    Fail(path, temporary, error);
  }
  if (close(fd) != 0) Fail(path, temporary, errno);
  if (std::rename(temporary.c_str(), path.c_str()) != 0) Fail(path, temporary, errno);
}

void WriteTextAtomic(const std::string& path, const std::string& text, bool sync) {
  WriteFileAtomic(path, text.data(), text.size(), sync);
}

void SyncDirectory(const std::string& dir) {
  const int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    throw base::Error("cannot open the folder '" + dir + "' to sync it: " + strerror(errno));
  const int result = fsync(fd);
  const int error = errno;
  close(fd);
  if (result != 0)
    throw base::Error("cannot sync the folder '" + dir + "': " + WriteFailureReason(error));
}

void CreateDirectories(const std::string& dir, bool sync) {
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return;
  const fs::path path(dir);
  if (path.has_parent_path() && path.parent_path() != path)
    CreateDirectories(path.parent_path().string(), sync);
  if (!fs::create_directory(path, ec) && !fs::is_directory(path))
    throw base::Error("cannot create the folder '" + dir + "': " + WriteFailureReason(ec.value()));
  if (sync) SyncDirectory(FolderOf(dir));
}

bool IsTemporaryName(const std::string& name, std::string* file) {
  const size_t mark = name.rfind(".tmp.");
  if (mark == std::string::npos || mark == 0 || mark + 5 == name.size()) return false;
  for (size_t i = mark + 5; i < name.size(); ++i)
    if (name[i] < '0' || name[i] > '9') return false;
  if (file) *file = name.substr(0, mark);
  return true;
}

void FileBatch::Write(const std::string& path, const void* data, size_t size) {
  WriteFileAtomic(path, data, size, sync_);
  if (sync_) folders_.insert(FolderOf(path));
}

void FileBatch::WriteText(const std::string& path, const std::string& text) {
  Write(path, text.data(), text.size());
}

void FileBatch::Commit() {
  for (const std::string& folder : folders_) SyncDirectory(folder);
  folders_.clear();
}

}  // namespace twin::datagen
