// twin render as a user runs it: the dataset layout it writes, read back with OpenCV, and every
// bad input with its message.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "cli_support.h"

using Catch::Matchers::Contains;
using twin::testing::ProcessResult;
using twin::testing::RequireCleanExit;
using twin::testing::RunProcess;
using twin::testing::Twin;

namespace {

namespace fs = std::filesystem;

struct TempFolder {
  fs::path path;
  TempFolder() {
    path = fs::temp_directory_path() /
           ("twin_render_cli_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(path);
  }
  ~TempFolder() { fs::remove_all(path); }
  static inline int counter = 0;
};

// Reads every image of the dataset with OpenCV and prints "camera modality width height channels
// dtype" per file, then the camera.json intrinsics.
constexpr const char* kReadDataset = R"(
import sys, json, os, cv2
out = sys.argv[1]
for camera in sorted(os.listdir(out)):
    folder = os.path.join(out, camera)
    if not os.path.isdir(folder):
        continue
    for modality in ("rgb", "depth", "instance", "semantic", "normal"):
        image = cv2.imread(os.path.join(folder, modality, "000000.png"), cv2.IMREAD_UNCHANGED)
        channels = 1 if image.ndim == 2 else image.shape[2]
        print(camera, modality, image.shape[1], image.shape[0], channels, image.dtype)
    info = json.load(open(os.path.join(folder, "camera.json")))
    print(camera, "K", info["width"], info["height"], info["fx"], info["cy"], info["depth_scale"])
preview = cv2.imread(os.path.join(out, "preview.png"))
print("preview", preview.shape[1], preview.shape[0])
print("classes", len(json.load(open(os.path.join(out, "classes.json")))))
)";

std::string ReadDataset(const fs::path& out) {
  const ProcessResult r = RunProcess({"/usr/bin/python3", "-c", kReadDataset, out.string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

}  // namespace

TEST_CASE("twin render writes every modality of every camera of a model", "[tools][render]") {
  TempFolder out;
  const ProcessResult r = Twin({"render", "/usr/share/mujoco/model/humanoid/humanoid.xml", "--out",
                                out.path.string(), "--width", "320", "--height", "240"});
  RequireCleanExit(r, 0);
  // CTest runs every test with TWIN_VALIDATION=1 (tests/CMakeLists.txt), so this render, like
  // every other in the suite, ran under the validation layers and raised no message.
  CHECK_THAT(r.err, Contains("twin render: device ") && Contains("Vulkan validation on"));
  CHECK_THAT(r.out, Contains("preview     " + out.path.string() + "/preview.png"));
  const std::string listing = ReadDataset(out.path);
  for (const char* camera : {"back", "side", "egocentric"}) {
    CAPTURE(camera);
    const std::string c = camera;
    CHECK_THAT(listing, Contains(c + " rgb 320 240 3 uint8"));
    CHECK_THAT(listing, Contains(c + " depth 320 240 1 uint16"));
    CHECK_THAT(listing, Contains(c + " instance 320 240 1 uint16"));
    CHECK_THAT(listing, Contains(c + " semantic 320 240 1 uint16"));
    CHECK_THAT(listing, Contains(c + " normal 320 240 3 uint8"));
    CHECK_THAT(listing, Contains(c + " K 320 240 "));
  }
  CHECK_THAT(listing, Contains("classes 3"));  // background, structure, body
}

TEST_CASE("twin render of a layout writes the chosen camera with its own intrinsics",
          "[tools][render]") {
  TempFolder out;
  const ProcessResult r =
      Twin({"render", std::string(TWIN_TWINS_DIR) + "/warehouse.yaml", "--camera", "cam_dock",
            "--time", "0.2", "--out", out.path.string()});
  RequireCleanExit(r, 0);
  CHECK_THAT(r.out, Contains("at t=0.200 s"));
  const std::string listing = ReadDataset(out.path);
  CHECK_THAT(listing, Contains("cam_dock rgb 640 480 3 uint8"));
  CHECK_THAT(listing, Contains("cam_dock K 640 480 "));
  CHECK_THAT(listing, !Contains("cam_aisle_south"));
  CHECK(fs::exists(out.path / "instances.json"));
}

TEST_CASE("twin render refuses bad input with a message and no crash", "[tools][render]") {
  TempFolder out;
  const std::string warehouse = std::string(TWIN_TWINS_DIR) + "/warehouse.yaml";

  SECTION("unknown camera") {
    const ProcessResult r =
        Twin({"render", warehouse, "--camera", "cam_dok", "--out", out.path.string()});
    RequireCleanExit(r, 1);
    CHECK(r.err ==
          "twin: error: --camera cam_dok: no such camera (did you mean 'cam_dock'?); the scene "
          "has: cam_aisle_south, cam_aisle_north, cam_dock (or 'all')\n");
    CHECK(!fs::exists(out.path));
  }
  SECTION("no Vulkan device at all") {
    const ProcessResult r = Twin({"render", warehouse, "--out", out.path.string()},
                                 {"VK_ICD_FILENAMES=/nonexistent/icd.json"});
    RequireCleanExit(r, 1);
    CHECK_THAT(r.err, Contains("no Vulkan device found") &&
                          Contains("sudo apt-get install mesa-vulkan-drivers"));
  }
  SECTION("unknown device") {
    const ProcessResult r =
        Twin({"render", warehouse, "--device", "7", "--out", out.path.string()});
    RequireCleanExit(r, 1);
    CHECK_THAT(r.err, Contains("--device 7: no such Vulkan device; this machine has:"));
  }
  SECTION("a device index no machine has, or an empty name") {
    for (const char* device : {"99999999999999999999", "256", ""}) {
      const ProcessResult r =
          Twin({"render", warehouse, "--device", device, "--out", out.path.string()});
      RequireCleanExit(r, 2);
      CHECK_THAT(r.err, Contains("--device") && Contains("vulkaninfo --summary"));
    }
    CHECK(!fs::exists(out.path));
  }
  SECTION("impossible intrinsics in a layout") {
    fs::create_directories(out.path);
    const fs::path layout = out.path / "bad_camera.yaml";
    std::ofstream(layout)
        << "site: {name: bad}\n"
           "sensors:\n"
           "  cameras:\n"
           "    - {name: cam, pose: {position: [0, 0, 2]}, resolution: [640, 480],\n"
           "       intrinsics: [-5, 500, 320, 240]}\n";
    const ProcessResult r = Twin({"render", layout.string(), "--out", (out.path / "o").string()});
    RequireCleanExit(r, 1);
    CHECK_THAT(r.err, Contains("bad_camera.yaml:5:") &&
                          Contains("fx and fy are focal lengths in pixels and must be > 0"));
  }
  SECTION("a resolution beyond the device limit") {
    const ProcessResult r = Twin({"render", "/usr/share/mujoco/model/humanoid/humanoid.xml",
                                  "--width", "100000", "--out", out.path.string()});
    RequireCleanExit(r, 2);
    CHECK_THAT(r.err, Contains("--width"));
  }
  SECTION("an output folder that cannot be made") {
    fs::create_directories(out.path);
    std::ofstream(out.path / "file") << "in the way";
    const ProcessResult r = Twin({"render", "/usr/share/mujoco/model/humanoid/humanoid.xml",
                                  "--out", (out.path / "file").string()});
    RequireCleanExit(r, 1);
    CHECK_THAT(r.err, Contains("cannot create the output folder " + (out.path / "file").string()));
  }
}
