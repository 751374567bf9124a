#include <twin/datagen/atomic_file.h>

#include <catch2/catch.hpp>

#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <twin/base/error.h>
#include <twin/render/image_io.h>

#include "error_message.h"
#include "python_cv.h"

using twin::datagen::WriteFileAtomic;
using twin::datagen::WriteTextAtomic;
using twin::testing::ErrorMessage;
using twin::testing::TempDir;

namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::vector<std::string> FilesIn(const std::string& folder) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(folder))
    names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// Runs `write` in a forked child whose file size limit is `limit` bytes (SIGXFSZ ignored, so a
// write past it fails with EFBIG) and returns the message it threw, or "(no error)".
std::string MessageUnderFileSizeLimit(rlim_t limit, const std::function<void()>& write) {
  int pipe_fds[2];
  REQUIRE(pipe(pipe_fds) == 0);
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    close(pipe_fds[0]);
    std::signal(SIGXFSZ, SIG_IGN);
    const rlimit r{limit, limit};
    if (setrlimit(RLIMIT_FSIZE, &r) != 0) _exit(2);
    const std::string message = ErrorMessage(write);
    const bool sent = ::write(pipe_fds[1], message.data(), message.size()) ==
                      static_cast<ssize_t>(message.size());
    _exit(sent ? 0 : 3);
  }
  close(pipe_fds[1]);
  std::string message;
  char buffer[4096];
  for (ssize_t n; (n = read(pipe_fds[0], buffer, sizeof buffer)) > 0;) message.append(buffer, n);
  close(pipe_fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  return message;
}

std::string DiskFull(const std::string& path, const std::string& why) {
  return "cannot write '" + path + "': the disk is full (" + why +
         "); free some space and rerun with --resume";
}

}  // namespace

TEST_CASE("WriteFileAtomic writes the bytes and leaves no temporary file", "[datagen][atomic]") {
  TempDir dir;
  const std::string path = dir / "a.bin";
  const std::string bytes = std::string("\0\1\2binary", 9) + std::string(100000, 'x');
  WriteFileAtomic(path, bytes.data(), bytes.size());
  CHECK(ReadAll(path) == bytes);
  WriteTextAtomic(path, "replaced\n");
  CHECK(ReadAll(path) == "replaced\n");
  WriteTextAtomic(dir / "empty", "");
  CHECK(ReadAll(dir / "empty").empty());
  CHECK(FilesIn(dir.path()) == std::vector<std::string>{"a.bin", "empty"});
}

TEST_CASE("A folder that cannot take the file is named with the reason", "[datagen][atomic]") {
  TempDir dir;
  const std::string missing = dir / "no_such_folder/a.json";
  CHECK(ErrorMessage([&] { WriteTextAtomic(missing, "{}"); }) ==
        "cannot write '" + missing + "': No such file or directory");
  twin::testing::WriteText(dir / "a_file", "");
  const std::string under_file = dir / "a_file/a.json";
  CHECK(ErrorMessage([&] { WriteTextAtomic(under_file, "{}"); }) ==
        "cannot write '" + under_file + "': Not a directory");
  // The final name is a folder: the bytes were written, the rename fails, nothing is left.
  std::filesystem::create_directory(dir / "taken");
  twin::testing::WriteText(dir / "taken/inside", "");
  CHECK(ErrorMessage([&] { WriteTextAtomic(dir / "taken", "{}"); }) ==
        "cannot write '" + (dir / "taken") + "': Is a directory");
  CHECK(FilesIn(dir.path()) == std::vector<std::string>{"a_file", "taken"});
}

TEST_CASE("A full disk (file size limit) says so, removes the temporary and keeps the old file",
          "[datagen][atomic]") {
  TempDir dir;
  const std::string path = dir / "frame.bin";
  twin::testing::WriteText(path, "the previous version\n");
  const std::string big(64 * 1024, 'z');
  CHECK(MessageUnderFileSizeLimit(4096, [&] { WriteFileAtomic(path, big.data(), big.size()); }) ==
        DiskFull(path, "File too large"));
  CHECK(ReadAll(path) == "the previous version\n");
  CHECK(FilesIn(dir.path()) == std::vector<std::string>{"frame.bin"});

  // render::WritePng reports it the same way.
  twin::render::Image image{256, 256, 3, 8, std::vector<uint8_t>(256 * 256 * 3), {}};
  for (size_t i = 0; i < image.pixels8.size(); ++i) image.pixels8[i] = (i * 7919) >> 5;
  const std::string png = dir / "0.png";
  CHECK(MessageUnderFileSizeLimit(1024, [&] { twin::render::WritePng(png, image); }) ==
        "cannot write PNG '" + png +
            "': the disk is full (File too large); free some space and rerun with --resume");
  CHECK(FilesIn(dir.path()) == std::vector<std::string>{"frame.bin"});
}

TEST_CASE("A full tmpfs says the disk is full and keeps the old file", "[datagen][atomic]") {
  TempDir dir;
  const std::string mnt = dir / "small";
  std::filesystem::create_directory(mnt);
  // The tests run as root (CI, tools/test); a machine that refuses the mount fails the test
  // rather than skipping the only real full-disk check.
  if (mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=64k") != 0)
    FAIL("cannot mount a 64 KiB tmpfs at " << mnt << " (" << std::strerror(errno)
                                           << "): run the tests as root");
  struct Unmount {
    std::string path;
    ~Unmount() { umount2(path.c_str(), MNT_DETACH); }
  } unmount{mnt};
  const std::string path = mnt + "/a.bin";
  WriteTextAtomic(path, "old\n");
  const std::string big(256 * 1024, 'z');
  CHECK(ErrorMessage([&] { WriteFileAtomic(path, big.data(), big.size()); }) ==
        DiskFull(path, "No space left on device"));
  CHECK(ReadAll(path) == "old\n");
  CHECK(FilesIn(mnt) == std::vector<std::string>{"a.bin"});
}
