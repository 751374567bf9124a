// Scale-out of twin datagen as a user runs it: tools/cluster/datagen.sbatch on a real single-node
// Slurm that the test starts and stops (tests/tools/slurm_cluster.py), and the Kubernetes Indexed
// Job of tools/cluster/datagen-job.yaml with its pods' command run here (k8s_job_local.py). Each
// sharded dataset, merged, must equal a single-process run byte for byte.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "process.h"

using Catch::Matchers::Contains;
using twin::testing::ProcessResult;
using twin::testing::RunProcess;

namespace {

namespace fs = std::filesystem;

const fs::path kSource = TWIN_SOURCE_DIR;
const std::string kScene = (kSource / "scenes/twins/warehouse.yaml").string();
constexpr const char* kFrames = "6";
constexpr const char* kSeed = "7";
constexpr const char* kCamera = "cam_dock";

struct TempFolder {
  fs::path path;
  TempFolder() {
    path = fs::temp_directory_path() /
           ("twin_cluster_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempFolder() { fs::remove_all(path); }
  static inline int counter = 0;
};

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void WriteFile(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

/// Every regular file under `root`, by its path relative to root.
std::set<std::string> FilesUnder(const fs::path& root) {
  std::set<std::string> files;
  if (!fs::is_directory(root)) return files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) files.insert(fs::relative(entry.path(), root).string());
  }
  return files;
}

/// The text of every file under `folder` (the jobs' logs), for a failure message.
std::string Logs(const fs::path& folder) {
  std::string text;
  for (const std::string& name : FilesUnder(folder)) {
    text += "==== " + name + "\n" + ReadFile(folder / name) + "\n";
  }
  return text;
}

/// Runs `command` (argv) on a fresh single-node Slurm, started and stopped around it, from `cwd`.
ProcessResult OnSlurm(const std::vector<std::string>& command, const fs::path& cwd,
                      const std::vector<std::string>& env = {}) {
  std::vector<std::string> argv = {"/usr/bin/python3",
                                   (kSource / "tests/tools/slurm_cluster.py").string(), "--cwd",
                                   cwd.string(), "--"};
  argv.insert(argv.end(), command.begin(), command.end());
  return RunProcess(argv, env);
}

/// The cluster folder the harness announced ("slurm_cluster: up (SLURM_CONF=DIR/slurm.conf)").
fs::path ClusterFolder(const ProcessResult& r) {
  const std::string key = "SLURM_CONF=";
  const size_t at = r.err.find(key);
  REQUIRE(at != std::string::npos);
  const size_t end = r.err.find(')', at);
  return fs::path(r.err.substr(at + key.size(), end - at - key.size())).parent_path();
}

/// Processes whose command line or environment names `folder` (the daemons get SLURM_CONF in
/// theirs, job scripts run from its spool): none may be left once the harness has returned.
std::vector<std::string> ProcessesNaming(const fs::path& folder) {
  std::vector<std::string> found;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string pid = entry.path().filename().string();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmdline = ReadFile(entry.path() / "cmdline");
    const std::string environ_text = ReadFile(entry.path() / "environ");
    if (cmdline.find(folder.string()) != std::string::npos ||
        environ_text.find(folder.string()) != std::string::npos) {
      std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
      found.push_back(pid + " " + cmdline);
    }
  }
  return found;
}

void RequireClusterGone(const ProcessResult& r) {
  const fs::path folder = ClusterFolder(r);
  CHECK_FALSE(fs::exists(folder));
  CHECK(ProcessesNaming(folder).empty());
}

/// twin datagen of the whole set in one process: the reference the shards must reproduce.
fs::path SingleProcessRun(const fs::path& out) {
  const ProcessResult r = RunProcess({TWIN_BINARY, "datagen", kScene, "--frames", kFrames, "--out",
                                      out.string(), "--seed", kSeed, "--cameras", kCamera});
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  return out;
}

/// The merged dataset equals the single-process one file for file, byte for byte; each shard
/// holds a disjoint part of the frames; twin dataset verify accepts it and refuses it with one
/// byte changed.
void RequireSameDataset(const fs::path& merged, const fs::path& single,
                        const std::vector<fs::path>& shards) {
  const std::set<std::string> expected = FilesUnder(single);
  REQUIRE(expected.size() > 6);  // the frames and at least the manifest
  REQUIRE(FilesUnder(merged) == expected);
  for (const std::string& name : expected) {
    INFO(name);
    CHECK(ReadFile(merged / name) == ReadFile(single / name));
  }

  const std::string rgb = std::string(kCamera) + "/rgb/";
  std::set<std::string> frames_in_shards;
  size_t frame_files = 0;
  for (const fs::path& shard : shards) {
    size_t in_this = 0;
    for (const std::string& name : FilesUnder(shard)) {
      if (name.rfind(rgb, 0) != 0) continue;
      ++in_this;
      ++frame_files;
      frames_in_shards.insert(name);
    }
    INFO(shard);
    CHECK(in_this > 0);
  }
  std::set<std::string> expected_frames;
  for (const std::string& name : expected) {
    if (name.rfind(rgb, 0) == 0) expected_frames.insert(name);
  }
  CHECK(expected_frames.size() == 6);
  CHECK(frames_in_shards == expected_frames);
  CHECK(frame_files == expected_frames.size());  // no frame written by two shards

  const ProcessResult verify = RunProcess({TWIN_BINARY, "dataset", "verify", merged.string()});
  INFO("verify: " << verify.out << verify.err);
  CHECK(verify.exit_code == 0);

  const fs::path image = merged / (rgb + "000003.png");
  std::string bytes = ReadFile(image);
  REQUIRE(bytes.size() > 100);
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x5a);
  WriteFile(image, bytes);
  const ProcessResult bad = RunProcess({TWIN_BINARY, "dataset", "verify", merged.string()});
  INFO("verify after corrupting " << image << ": " << bad.out << bad.err);
  CHECK(bad.exit_code != 0);
}

std::vector<fs::path> Shards(const fs::path& folder) {
  std::vector<fs::path> shards;
  for (const auto& entry : fs::directory_iterator(folder)) shards.push_back(entry.path());
  std::sort(shards.begin(), shards.end());
  return shards;
}

/// The documented submission, as a bash script run from the checkout: datagen.sbatch as an array,
/// datagen-merge.sbatch after it (afterok), waited for; then the final state of every array task
/// and of the merge as Slurm reports them ("task 0 COMPLETED", "merge COMPLETED None").
std::string SubmitArrayAndMerge(const fs::path& logs) {
  return "set -eu\n"
         "id=$(sbatch --parsable --output=" +
         (logs / "%A_%a.out").string() +
         " tools/cluster/datagen.sbatch)\n"
         "id=${id%%;*}\n"
         "merge=$(sbatch --parsable --wait --output=" +
         (logs / "merge-%j.out").string() +
         " --dependency=afterok:$id tools/cluster/datagen-merge.sbatch) || true\n"
         "merge=${merge%%;*}\n"
         "scontrol show job -o \"$id\" |\n"
         "  sed -E 's/.* ArrayTaskId=([0-9]+) .* JobState=([A-Z_]+) .*/task \\1 \\2/' | sort\n"
         "scontrol show job -o \"$merge\" |\n"
         "  sed -E 's/.* JobState=([A-Z_]+) Reason=([^ ]+) .*/merge \\1 \\2/'\n";
}

}  // namespace

TEST_CASE("a single-node Slurm started by the test runs a 3-task array job", "[tools][cluster]") {
  TempFolder tmp;
  WriteFile(tmp.path / "array.sh",
            "#!/bin/bash\n"
            "#SBATCH --array=0-2\n"
            "#SBATCH --output=" +
                (tmp.path / "log_%A_%a.out").string() +
                "\n"
                "echo \"$SLURM_ARRAY_TASK_ID of $SLURM_ARRAY_TASK_COUNT on $SLURMD_NODENAME\" > "
                "task_$SLURM_ARRAY_TASK_ID\n");
  const ProcessResult r = OnSlurm({"/usr/bin/sbatch", "--wait", "array.sh"}, tmp.path);
  INFO("stdout: " << r.out << "\nstderr: " << r.err << "\n" << Logs(tmp.path));
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Contains("Submitted batch job"));
  for (int task = 0; task < 3; ++task) {
    const fs::path file = tmp.path / ("task_" + std::to_string(task));
    INFO(file);
    CHECK(ReadFile(file) == std::to_string(task) + " of 3 on localhost\n");
  }
  CHECK(FilesUnder(tmp.path).size() == 1 + 3 + 3);  // the script, 3 outputs, 3 logs
  RequireClusterGone(r);
}

TEST_CASE("a failed datagen.sbatch task fails the array and cancels the merge job",
          "[tools][cluster]") {
  TempFolder tmp;
  fs::create_directories(tmp.path / "log");
  const ProcessResult r =
      OnSlurm({"/bin/bash", "-c", SubmitArrayAndMerge(tmp.path / "log")}, kSource,
              {"TWIN=" + (tmp.path / "no-twin-here").string(), "OUT=" + (tmp.path / "out").string(),
               "FRAMES=6"});
  const std::string logs = Logs(tmp.path / "log");
  INFO("stdout: " << r.out << "\nstderr: " << r.err << "\n" << logs);
  REQUIRE(r.exit_code == 0);
  // sbatch --wait came back: the merge was cancelled, not left pending for ever.
  CHECK(r.out ==
        "task 0 FAILED\ntask 1 FAILED\ntask 2 FAILED\nmerge CANCELLED DependencyNeverSatisfied\n");
  CHECK_THAT(logs,
             Contains("datagen.sbatch: no twin binary at " + (tmp.path / "no-twin-here").string()));
  CHECK(FilesUnder(tmp.path / "log").size() == 3);  // the three tasks' logs, none from the merge
  RequireClusterGone(r);
}

TEST_CASE("datagen.sbatch shards on Slurm merge into the single-process dataset",
          "[tools][cluster]") {
  TempFolder tmp;
  fs::create_directories(tmp.path / "log");
  const fs::path out = tmp.path / "out";
  const ProcessResult r =
      OnSlurm({"/bin/bash", "-c", SubmitArrayAndMerge(tmp.path / "log")}, kSource,
              {std::string("TWIN=") + TWIN_BINARY, "OUT=" + out.string(),
               std::string("FRAMES=") + kFrames, std::string("SEED=") + kSeed,
               std::string("CAMERAS=") + kCamera, "SCENE=scenes/twins/warehouse.yaml"});
  {
    INFO("stdout: " << r.out << "\nstderr: " << r.err << "\n" << Logs(tmp.path / "log"));
    REQUIRE(r.exit_code == 0);
    REQUIRE(r.out ==
            "task 0 COMPLETED\ntask 1 COMPLETED\ntask 2 COMPLETED\nmerge COMPLETED None\n");
    CHECK_THAT(Logs(tmp.path / "log"), Contains("merging 3 shards"));
  }
  RequireClusterGone(r);
  const std::vector<fs::path> shards = Shards(out / "shards");
  REQUIRE(shards.size() == 3);
  RequireSameDataset(out / "merged", SingleProcessRun(tmp.path / "single"), shards);
}

TEST_CASE("the Kubernetes Indexed Job's pods, run here, merge into the single-process dataset",
          "[tools][cluster]") {
  const std::string job = (kSource / "tools/cluster/datagen-job.yaml").string();
  const std::string runner = (kSource / "tests/tools/k8s_job_local.py").string();
  const ProcessResult checked = RunProcess({"/usr/bin/python3", runner, job});
  INFO("stdout: " << checked.out << "\nstderr: " << checked.err);
  REQUIRE(checked.exit_code == 0);
  CHECK(checked.out ==
        "kind Job\ncompletionMode Indexed\ncompletions 3\nparallelism 3\nTWIN_SHARD_COUNT 3\n"
        "claim twin-data at /data\n");

  TempFolder tmp;
  const fs::path data = tmp.path / "data";
  fs::create_directories(data);
  const ProcessResult ran = RunProcess(
      {"/usr/bin/python3", runner, job, "--run", "--twin", TWIN_BINARY, "--image-root",
       kSource.string(), "--data", data.string(), "--set", std::string("FRAMES=") + kFrames,
       "--set", std::string("SEED=") + kSeed, "--set", std::string("CAMERAS=") + kCamera});
  INFO("pods: " << ran.out << ran.err);
  REQUIRE(ran.exit_code == 0);
  CHECK(ran.out.find("index 0 exit 0\nindex 1 exit 0\nindex 2 exit 0\n") != std::string::npos);

  const std::vector<fs::path> shards = Shards(data / "out/shards");
  REQUIRE(shards.size() == 3);
  CHECK(shards[2].filename() == "2");
  std::vector<std::string> merge = {TWIN_BINARY, "dataset", "merge", (data / "merged").string()};
  for (const fs::path& shard : shards) merge.push_back(shard.string());
  const ProcessResult merged = RunProcess(merge);
  INFO("merge: " << merged.out << merged.err);
  REQUIRE(merged.exit_code == 0);
  RequireSameDataset(data / "merged", SingleProcessRun(tmp.path / "single"), shards);
}
