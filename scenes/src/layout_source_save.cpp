// Writing a file atomically: readers see the old bytes or the new ones, never a part.
#include <twin/base/error.h>
#include <twin/scenes/layout_source.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace twin::scenes {

namespace {

[[noreturn]] void Fail(const std::filesystem::path& path, const std::string& step, int err) {
  throw base::Error("cannot save '" + path.string() + "': " + step + ": " + std::strerror(err) +
                    " (the layout is unchanged on disk and the edits are kept)");
}

}  // namespace

void WriteFileAtomically(const std::filesystem::path& path, const std::string& bytes) {
  const std::filesystem::path folder =
      path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
  std::string temp = (folder / ("." + path.filename().string() + ".XXXXXX")).string();
  const int fd = mkstemp(temp.data());
  if (fd < 0) Fail(path, "creating a temporary file in '" + folder.string() + "'", errno);
  auto fail = [&](const std::string& step) {
    const int err = errno;
    close(fd);
    unlink(temp.c_str());
    Fail(path, step, err);
  };
  // Keep the permissions of the file replaced (mkstemp makes it 0600).
  struct stat st {};
  const mode_t mode = stat(path.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0644;
  if (fchmod(fd, mode) != 0) fail("setting permissions");
  for (size_t done = 0; done < bytes.size();) {
    const ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail("writing");
    done += static_cast<size_t>(n);
  }
  if (fsync(fd) != 0) fail("flushing to disk");
  if (close(fd) != 0) {
    const int err = errno;
    unlink(temp.c_str());
    Fail(path, "closing", err);
  }
  if (rename(temp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    unlink(temp.c_str());
    Fail(path, "replacing the file", err);
  }
  // The rename itself is durable once the folder is synced.
  if (const int dir = open(folder.c_str(), O_RDONLY | O_DIRECTORY); dir >= 0) {
    fsync(dir);
    close(dir);
  }
}

}  // namespace twin::scenes
