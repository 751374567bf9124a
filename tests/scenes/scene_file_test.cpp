#include <twin/base/error.h>
#include <twin/scenes/scene_file.h>

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

using Catch::Matchers::Contains;
using twin::scenes::ReadSceneFile;
using twin::scenes::SceneFormat;

namespace {
const std::string kData = TWIN_TEST_DATA;
}

TEST_CASE("ReadSceneFile reads MJCF and URDF and tells them apart", "[scenes]") {
  const auto mjcf = ReadSceneFile(kData + "/cell.xml");
  CHECK(mjcf.format == SceneFormat::kMjcf);
  CHECK(mjcf.path.is_absolute());
  CHECK_THAT(mjcf.text, Contains("<mujoco model=\"cell\">"));
  CHECK(ReadSceneFile(kData + "/two_link.urdf").format == SceneFormat::kUrdf);
}

TEST_CASE("ReadSceneFile names a missing file and what a scene is", "[scenes]") {
  CHECK_THROWS_WITH(ReadSceneFile(kData + "/no_such_scene.xml"),
                    Contains("no_such_scene.xml: no such file") &&
                        Contains("MuJoCo MJCF file (.xml) or a URDF file (.urdf)"));
  CHECK_THROWS_WITH(ReadSceneFile(""), Contains("no scene file given"));
}

TEST_CASE("ReadSceneFile refuses a directory", "[scenes]") {
  CHECK_THROWS_WITH(ReadSceneFile(kData), Contains(kData + ": is a directory, not a scene file"));
}

TEST_CASE("ReadSceneFile refuses an empty or blank file", "[scenes]") {
  CHECK_THROWS_WITH(ReadSceneFile(kData + "/empty.xml"), Contains("empty.xml: the scene is empty"));
  const auto blank = std::filesystem::temp_directory_path() / "twin_blank_scene.xml";
  std::ofstream(blank) << "  \n\t\n";
  CHECK_THROWS_WITH(ReadSceneFile(blank.string()), Contains("the scene is empty"));
  std::filesystem::remove(blank);
}

TEST_CASE("ReadSceneFile gives the line of malformed XML", "[scenes]") {
  // The <geom> on line 3 is never closed.
  CHECK_THROWS_WITH(ReadSceneFile(kData + "/malformed.xml"),
                    Contains("malformed.xml:3: malformed XML: element <geom> is not closed") &&
                        Contains("fix the XML syntax at that line"));
}

TEST_CASE("ReadSceneFile refuses a root element that is neither mujoco nor robot", "[scenes]") {
  CHECK_THROWS_WITH(ReadSceneFile(kData + "/wrong_root.xml"),
                    Contains("wrong_root.xml:1: the root element is <scene>") &&
                        Contains("<mujoco> (MJCF) or <robot> (URDF)"));
}

namespace {

// ReadSceneFile's message for `path`, read as user `nobody` in a child process: root reads every
// file, so the tests (run as root in CI) drop privileges to provoke a permission error.
std::string MessageAsNobody(const std::string& path) {
  int pipe_fds[2];
  REQUIRE(pipe(pipe_fds) == 0);
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    close(pipe_fds[0]);
    std::string message = "read without an error";
    if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) message = "setuid failed";
    try {
      ReadSceneFile(path);
    } catch (const twin::base::Error& e) {
      message = e.what();
    }
    (void)!write(pipe_fds[1], message.data(), message.size());
    _exit(0);
  }
  close(pipe_fds[1]);
  std::string message;
  char buffer[512];
  for (ssize_t n; (n = read(pipe_fds[0], buffer, sizeof buffer)) > 0;) message.append(buffer, n);
  close(pipe_fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  return message;
}

}  // namespace

TEST_CASE("ReadSceneFile refuses a URDF joint type MuJoCo cannot import", "[scenes]") {
  // MuJoCo 2.2.2's URDF importer writes through a null joint for an unknown type (tests/fuzz).
  CHECK_THROWS_WITH(ReadSceneFile(kData + "/bad_joint_type.urdf"),
                    Contains("bad_joint_type.urdf:4: joint 'j' has type 'rerolute' (did you mean "
                             "'revolute'?); URDF joint types are: revolute, continuous, "
                             "prismatic, fixed, floating, planar"));
}

TEST_CASE("ReadSceneFile says when a file cannot be read", "[scenes]") {
  const auto locked = std::filesystem::temp_directory_path() / "twin_locked_scene.xml";
  std::ofstream(locked) << "<mujoco/>";
  std::filesystem::permissions(locked, std::filesystem::perms::none);
  CHECK_THAT(MessageAsNobody(locked.string()), Contains("cannot open the file"));
  std::filesystem::remove(locked);
}
