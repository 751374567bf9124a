#include <twin/datagen/atomic_file.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <twin/scenes/error.h>

namespace twin::datagen {
namespace {

[[noreturn]] void Fail(const std::string& path, const std::string& temporary, int error) {
  if (!temporary.empty()) unlink(temporary.c_str());
  throw Error("cannot write '" + path + "': " + WriteFailureReason(error));
}

}  // namespace

std::string WriteFailureReason(int error) {
  const std::string what = std::strerror(error);
  if (error == ENOSPC || error == EDQUOT || error == EFBIG)
    return "the disk is full (" + what + "); free some space and rerun with --resume";
  return what;
}

void WriteFileAtomic(const std::string& path, const void* data, size_t size) {
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
  // No fsync: the rename is what makes a killed run resumable; syncing every file would cost
  // more than the rare power cut it guards against.
  if (close(fd) != 0) Fail(path, temporary, errno);
  if (std::rename(temporary.c_str(), path.c_str()) != 0) Fail(path, temporary, errno);
}

void WriteTextAtomic(const std::string& path, const std::string& text) {
  WriteFileAtomic(path, text.data(), text.size());
}

}  // namespace twin::datagen
