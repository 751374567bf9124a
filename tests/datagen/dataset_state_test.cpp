// The bookkeeping files `twin datagen --resume` reads back (dataset_state.h): damaged or
// hand-edited ones are reported, never thrown at the caller as JSON library errors. Each case
// is a finding of fuzz_resume (tests/fuzz/resume/regressions/).
#include "dataset_state.h"

#include <catch2/catch.hpp>

#include <filesystem>

#include "error_message.h"
#include "python_cv.h"

using namespace twin::datagen;
using twin::testing::ErrorMessage;
using twin::testing::TempDir;
using twin::testing::WriteText;

namespace {

// OUT with a 4-byte frame file "png0" (SHA-256 from sha256sum in kFile) and frame 0's record
// `record`.
void WriteRecord(const TempDir& out, const std::string& record) {
  std::filesystem::create_directories(out / ".twin/frames");
  std::filesystem::create_directories(out / "cam/rgb");
  WriteText(out / "cam/rgb/000000.png", "png0");
  WriteText(FrameRecordPath(out.path(), 0), record);
}

const std::string kFile = R"({"path": "cam/rgb/000000.png", "bytes": 4, "sha256": )"
                          R"("8c17576d918255744e72e4b1a769486b8778ae17ebeb0435c6a37d136b646199"})";
const std::string kCamera =
    R"({"cam": {"image": {"id": 0}, "annotations": [{"id": 0}], "scene_gt": [],)"
    R"( "scene_camera": {}}})";

// {"frame": 0, "files": [files], "cameras": cameras}; appended (gcc 12 warns, wrongly, on
// `"literal" + std::string` here under -Wrestrict).
std::string Record(const std::string& files, const std::string& cameras) {
  std::string record = R"({"frame": 0, "files": [)";
  record += files;
  record += "]";
  if (!cameras.empty()) record += R"(, "cameras": )" + cameras;
  return record + "}";
}

}  // namespace

TEST_CASE("FrameProblem accepts a well-formed record and checks its file") {
  TempDir out;
  WriteRecord(out, Record(kFile, kCamera));
  CHECK(FrameProblem(out.path(), 0, /*hash=*/true) == "");
  WriteText(out / "cam/rgb/000000.png", "png1");
  CHECK(FrameProblem(out.path(), 0, /*hash=*/false) == "");
  CHECK(FrameProblem(out.path(), 0, /*hash=*/true) ==
        "cam/rgb/000000.png does not match the SHA-256 in its record");
}

TEST_CASE("FrameProblem calls a record of the wrong shape damaged instead of throwing") {
  TempDir out;
  // Each of these once escaped as an nlohmann::json exception (or reached AddFrameRecord).
  const std::vector<std::string> damaged = {
      Record(kFile, ""),  // no cameras: AddFrameRecord threw
      R"({"frame": 0, "files": [{"path": 5, "bytes": 4, "sha256": "x"}], "cameras": {}})",
      R"({"frame": 0, "files": [{"path": "a", "bytes": "4", "sha256": "x"}], "cameras": {}})",
      R"({"frame": 0, "files": [{"path": "a", "bytes": 4, "sha256": 1}], "cameras": {}})",
      R"({"frame": 0, "files": [], "cameras": {"cam": {"image": {}}}})",
      R"({"frame": 0, "files": [], "cameras": {"cam": {"image": {}, "annotations": 3,)"
      R"( "scene_gt": [], "scene_camera": {}}}})",
      R"({"frame": 0, "files": {}, "cameras": {}})",
      // coco.json sorts by integer ids: an image or annotation without one threw (tests/fuzz).
      Record(kFile, R"({"cam": {"image": {}, "annotations": [], "scene_gt": [],)"
                    R"( "scene_camera": {}}})"),
      Record(kFile, R"({"cam": {"image": {"id": 0}, "annotations": [{"id": "1"}],)"
                    R"( "scene_gt": [], "scene_camera": {}}})"),
      Record(kFile, R"({"cam": {"image": {"id": 0}, "annotations": [{"area": 4}],)"
                    R"( "scene_gt": [], "scene_camera": {}}})"),
  };
  for (const std::string& record : damaged) {
    INFO(record);
    WriteRecord(out, record);
    CHECK(FrameProblem(out.path(), 0, true) == "a damaged record");
  }
  WriteRecord(out, R"({"frame": "0", "files": [], "cameras": {}})");  // value() threw
  CHECK(FrameProblem(out.path(), 0, true) == "no complete record");
}

TEST_CASE("CheckOutput reports a run.json whose fields have the wrong types as another dataset") {
  TempDir out;
  std::filesystem::create_directories(out / ".twin");
  // seed, frames and version of the wrong type once escaped as nlohmann::json type errors.
  WriteText(out / ".twin/run.json",
            R"({"config": 5, "seed": "x", "version": [], "frames": {}, "range": [0, 1]})");
  const DatasetIdentity identity{{{"scene", "cell.yaml"}}, 7, "twin 0.1", 1};
  const std::string message = ErrorMessage([&] {
    CheckOutput(out.path(), identity, FrameRange{0, 1}, true);
  });
  CHECK_THAT(message, Catch::Matchers::Contains("holds an unfinished run of a different dataset"));
  CHECK_THAT(message, Catch::Matchers::Contains("the seed differs"));
}
