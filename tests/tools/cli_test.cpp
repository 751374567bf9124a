// The twin binary as a user runs it: real processes, real files, exit codes and messages.
#include <catch2/catch.hpp>

#include "cli_support.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using twin::testing::ProcessResult;
using twin::testing::RequireCleanExit;
using twin::testing::RunProcess;
using twin::testing::Twin;

namespace {

const std::string kData = TWIN_TEST_DATA;

}  // namespace

TEST_CASE("twin --help lists the verbs", "[tools][cli]") {
  const ProcessResult r = Twin({"--help"});
  RequireCleanExit(r, 0);
  CHECK_THAT(r.out, Contains("run") && Contains("check") && Contains("bench"));
  const ProcessResult run_help = Twin({"run", "--help"});
  RequireCleanExit(run_help, 0);
  CHECK_THAT(run_help.out, Contains("--duration") && Contains("--seed") && Contains("--realtime"));
}

TEST_CASE("twin run runs a scene and reports speed and warnings", "[tools][cli]") {
  const ProcessResult r = Twin({"run", kData + "/cell.xml", "--duration", "2", "--seed", "5"});
  RequireCleanExit(r, 0);
  CHECK_THAT(r.out, Contains("simulated   2.000 s in 1000 steps (timestep 0.002 s)"));
  CHECK_THAT(r.out, Contains("steps/s") && Contains("real-time factor"));
  CHECK_THAT(r.out, Contains("seed        5") && Contains("warnings    none"));
  CHECK(r.err.empty());  // no progress line when stderr is not a terminal
  // MuJoCo's peak use of each fixed buffer, against its size.
  std::smatch m;
  const std::regex buffers(
      R"(buffers     contacts (\d+) of (\d+), constraint rows (\d+) of (\d+), )"
      R"(stack ([0-9]+) of ([0-9]+) KiB)");
  REQUIRE(std::regex_search(r.out, m, buffers));
  CHECK(std::stoi(m[1]) > 0);  // the cell's boxes rest on the floor
  CHECK(std::stoi(m[1]) <= std::stoi(m[2]));
  CHECK(std::stoi(m[3]) <= std::stoi(m[4]));
  CHECK(std::stod(m[5]) > 0);
  CHECK(std::stod(m[5]) <= std::stod(m[6]));
}

TEST_CASE("twin run --realtime paces simulated time to the wall clock", "[tools][cli]") {
  const auto start = std::chrono::steady_clock::now();
  const ProcessResult r = Twin({"run", kData + "/cell.xml", "--duration", "0.5", "--realtime"});
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  RequireCleanExit(r, 0);
  CHECK(wall >= 0.5);
  CHECK_THAT(r.out, Contains("paced to the wall clock"));
}

TEST_CASE("twin run reports a diverging model and exits 3", "[tools][cli]") {
  const ProcessResult r = Twin({"run", kData + "/diverging.xml"});
  RequireCleanExit(r, 3);
  CHECK_THAT(r.err, Contains("diverging.xml: step") && Contains("joint 'spring'"));
  CHECK_THAT(r.err, Contains("diverged at step") && Contains("--on-divergence reset"));
  const ProcessResult reset =
      Twin({"run", kData + "/diverging.xml", "--duration", "1", "--on-divergence", "reset"});
  RequireCleanExit(reset, 0);
  CHECK_THAT(reset.out, Contains("resets") && Contains("after divergence"));
}

TEST_CASE("twin run survives a MuJoCo error inside a step", "[tools][cli]") {
  const ProcessResult r = Twin({"run", kData + "/stack_overflow.xml", "--duration", "1"});
  RequireCleanExit(r, 3);
  CHECK_THAT(r.err, Contains("MUJOCO_ERROR") && Contains("Stack overflow"));
}

TEST_CASE("twin refuses bad scene files with a message naming the file", "[tools][cli]") {
  struct Case {
    std::string file, message;
  };
  const Case cases[] = {
      {kData + "/missing.xml", "missing.xml: no such file"},
      {kData, "is a directory, not a scene file"},
      {kData + "/empty.xml", "empty.xml: the scene is empty"},
      {kData + "/malformed.xml", "malformed.xml:3: malformed XML"},
      {kData + "/wrong_root.xml", "wrong_root.xml:1: the root element is <scene>"},
      {kData + "/unknown_element.xml", "unknown_element.xml:4: MuJoCo cannot load the model"},
      {kData + "/bad_attribute.xml", "bad_attribute.xml:5: MuJoCo cannot load the model"},
      {kData + "/negative_timestep.xml", "must be a positive number of seconds"},
  };
  for (const Case& c : cases) {
    for (const char* verb : {"run", "check"}) {
      INFO(verb << " " << c.file);
      const ProcessResult r = Twin({verb, c.file});
      RequireCleanExit(r, 1);
      CHECK_THAT(r.err, StartsWith("twin: error: ") && Contains(c.message));
      CHECK(r.out.empty());
    }
  }
}

TEST_CASE("twin names unknown verbs and flags and suggests the right one", "[tools][cli]") {
  const ProcessResult verb = Twin({"rn", kData + "/cell.xml"});
  RequireCleanExit(verb, 2);
  CHECK_THAT(
      verb.err,
      Contains("unknown verb 'rn' (did you mean 'run'?)") &&
          Contains("The verbs are: run, check, export, render, datagen, dataset, hil, layout, "
                   "bench"));

  const ProcessResult flag = Twin({"run", kData + "/cell.xml", "--durration", "3"});
  RequireCleanExit(flag, 2);
  CHECK_THAT(flag.err, Contains("--durration") && Contains("twin run --help"));

  const ProcessResult none = Twin({});
  RequireCleanExit(none, 2);
  CHECK_THAT(none.err, Contains("twin --help"));
}

TEST_CASE("twin refuses bad flag values and says what to give", "[tools][cli]") {
  const ProcessResult negative = Twin({"run", kData + "/cell.xml", "--duration", "-1"});
  RequireCleanExit(negative, 2);
  CHECK_THAT(negative.err, Contains("--duration") && Contains("'-1' is not a positive number") &&
                               Contains("e.g. --duration 10"));

  const ProcessResult words = Twin({"run", kData + "/cell.xml", "--duration", "soon"});
  RequireCleanExit(words, 2);
  CHECK_THAT(words.err, Contains("'soon' is not a positive number"));

  const ProcessResult seed = Twin({"run", kData + "/cell.xml", "--seed", "abc"});
  RequireCleanExit(seed, 2);
  CHECK_THAT(seed.err, Contains("--seed") && Contains("abc"));

  const ProcessResult policy = Twin({"run", kData + "/cell.xml", "--on-divergence", "explode"});
  RequireCleanExit(policy, 2);
  CHECK_THAT(policy.err, Contains("--on-divergence") && Contains("explode"));

  const ProcessResult missing = Twin({"run"});
  RequireCleanExit(missing, 2);
  CHECK_THAT(missing.err, Contains("scene is required"));

  const ProcessResult steps = Twin({"bench", "physics", "--steps", "0"});
  RequireCleanExit(steps, 2);
  CHECK_THAT(steps.err, Contains("'0' is not a whole number >= 1"));
}

TEST_CASE("twin check summarises a usable scene and exits 0", "[tools][cli]") {
  const ProcessResult r = Twin({"check", kData + "/cell.xml"});
  RequireCleanExit(r, 0);
  CHECK_THAT(r.out, Contains("(MJCF)"));
  CHECK_THAT(r.out, Contains("bodies      3 (plus the world body)"));
  CHECK_THAT(r.out, Contains("joints      3 (free 1, ball 0, slide 0, hinge 2), 8 dofs"));
  CHECK_THAT(r.out, Contains("actuators   2") && Contains("sensors     5 (11 values)"));
  CHECK_THAT(r.out, Contains("cameras     1: overhead") && Contains("lights      1"));
  CHECK_THAT(r.out, Contains("total mass  2.300 kg"));
  CHECK_THAT(r.out, Contains("timestep    0.002 s (Euler integrator)"));
  CHECK_THAT(r.out, Contains("warnings    none"));
  CHECK_THAT(r.out, Contains("\nusable\n"));

  const ProcessResult urdf = Twin({"check", kData + "/two_link.urdf"});
  RequireCleanExit(urdf, 0);
  CHECK_THAT(urdf.out, Contains("(URDF)") && Contains("hinge 1"));
}

TEST_CASE("twin check reports initial penetrations by geom and body", "[tools][cli]") {
  const ProcessResult r = Twin({"check", kData + "/penetrating.xml"});
  RequireCleanExit(r, 0);
  CHECK_THAT(r.out, Contains("geom 'floor' (body 'world') and geom 'sunk_geom' (body 'sunk_box') "
                             "overlap by 20.0 mm"));
  CHECK_THAT(r.out, Contains("usable (with initial penetrations"));
}

TEST_CASE("twin check says a diverging scene is not usable and exits 3", "[tools][cli]") {
  const ProcessResult r = Twin({"check", kData + "/diverging.xml"});
  RequireCleanExit(r, 3);
  CHECK_THAT(r.out, Contains("NOT USABLE") && Contains("joint 'spring'"));
}

TEST_CASE("The test listener fails a test that raises an unexpected MuJoCo warning",
          "[tools][listener]") {
  const ProcessResult r = RunProcess({TWIN_SIM_TEST_BINARY, "[listener-selftest]"});
  INFO(r.out << r.err);
  CHECK(r.signal == 0);
  CHECK(r.exit_code != 0);
  CHECK_THAT(r.out,
             Contains("unexpected MuJoCo warning") && Contains("Nan, Inf or huge value in CTRL"));
}

TEST_CASE("twin check summarises a layout: equipment, classes, flows, sensors", "[tools][cli]") {
  const ProcessResult r = Twin({"check", kData + "/layouts/line.yaml"});
  RequireCleanExit(r, 0);
  CHECK_THAT(r.out, Contains("(twin layout)"));
  // 6 pool cartons of the spawner + the one on the pallet.
  CHECK_THAT(r.out, Contains("equipment   11: carton 7 conveyor 1 pallet 1 sink 1 spawner 1"));
  CHECK_THAT(r.out, Contains("classes     4: conveyor carton sink pallet"));
  CHECK_THAT(r.out, Contains("sensors     1 camera(s), 0 lidar(s), 0 IMU(s), 0 beam-break(s)"));
  CHECK_THAT(r.out, Contains("\nusable\n"));
}

TEST_CASE("twin run runs a layout and reports its flows", "[tools][cli]") {
  const ProcessResult r = Twin({"run", kData + "/layouts/line.yaml", "--duration", "20"});
  RequireCleanExit(r, 0);
  CHECK_THAT(r.out, Contains("seed        11"));  // the layout's seed
  CHECK_THAT(r.out, Contains("spawner     feed: 10 spawned"));
  CHECK_THAT(r.out, Contains("sink        out: "));
  const ProcessResult seeded =
      Twin({"run", kData + "/layouts/line.yaml", "--duration", "1", "--seed", "5"});
  RequireCleanExit(seeded, 0);
  CHECK_THAT(seeded.out, Contains("seed        5"));
}

TEST_CASE("twin export writes MJCF that twin itself loads again", "[tools][cli]") {
  const std::string out = (std::filesystem::temp_directory_path() / "twin_cli_export.xml").string();
  std::filesystem::remove(out);
  const ProcessResult r = Twin({"export", kData + "/layouts/line.yaml", "-o", out});
  RequireCleanExit(r, 0);
  CHECK_THAT(r.out, Contains("twin export: ") && Contains(out));
  const ProcessResult check = Twin({"check", out});
  RequireCleanExit(check, 0);
  CHECK_THAT(check.out, Contains("(MJCF)") && Contains("\nusable\n"));
  const ProcessResult missing = Twin({"export", kData + "/layouts/line.yaml"});
  RequireCleanExit(missing, 2);
  CHECK_THAT(missing.err, Contains("--output is required"));
  const ProcessResult bad_dir =
      Twin({"export", kData + "/layouts/line.yaml", "-o", "/no/such/dir/x.xml"});
  RequireCleanExit(bad_dir, 1);
  CHECK_THAT(bad_dir.err, Contains("the folder /no/such/dir does not exist"));
}

TEST_CASE("twin refuses a layout with a typo and points at it", "[tools][cli]") {
  const auto path = std::filesystem::temp_directory_path() / "twin_cli_typo.yaml";
  std::ofstream(path) << "equipment:\n  - {type: conveyor, name: belt, sped: 0.5}\n";
  const ProcessResult r = Twin({"check", path.string()});
  RequireCleanExit(r, 1);
  CHECK_THAT(r.err, Contains("twin_cli_typo.yaml:2:34: equipment[0]: unknown key 'sped' (did you "
                             "mean 'speed'?)"));
}

TEST_CASE("twin check lists every mistake of a layout in file order", "[tools][cli]") {
  const auto path = std::filesystem::temp_directory_path() / "twin_cli_mistakes.yaml";
  std::ofstream(path) << "equipment:\n"
                         "  - {type: conveyor, name: belt, sped: 0.5}\n"
                         "  - {type: conveyor, name: belt2, length: -1}\n"
                         "  - {type: carton, name: c1, parent: nowhere}\n"
                         "  - {type: pallet, name: belt}\n";
  const ProcessResult r = Twin({"check", path.string()});
  RequireCleanExit(r, 1);
  const std::string file = path.string();
  const std::vector<std::string> expected = {
      file + ":2:34: equipment[0]: unknown key 'sped'",
      file + ":3:43: equipment[1].length: must be > 0, got -1",
      file + ":4:38: equipment[2].parent: unknown parent 'nowhere'",
      file + ":5:26: equipment[3].name: duplicate name 'belt'",
      "twin check: 4 error(s) in " + file};
  size_t at = 0;
  for (const std::string& line : expected) {
    INFO(r.err);
    const size_t found = r.err.find(line, at);
    REQUIRE(found != std::string::npos);
    at = found + line.size();
  }
  CHECK(r.out.empty());
  std::filesystem::remove(path);
}

TEST_CASE("Every built-in twin passes twin check", "[tools][cli][twins]") {
  int twins = 0;
  for (const auto& entry : std::filesystem::directory_iterator(TWIN_TWINS_DIR)) {
    if (entry.path().extension() != ".yaml") continue;
    ++twins;
    const ProcessResult r = Twin({"check", entry.path().string()});
    INFO(entry.path());
    RequireCleanExit(r, 0);
    CHECK_THAT(r.out, Contains("(twin layout)") && Contains("\nusable"));
  }
  CHECK(twins >= 2);
}

TEST_CASE("twin layout schema prints the layout schema as JSON Schema or markdown",
          "[tools][cli]") {
  const ProcessResult json = Twin({"layout", "schema"});
  RequireCleanExit(json, 0);
  const nlohmann::json schema = nlohmann::json::parse(json.out);
  CHECK(schema["$schema"] == "http://json-schema.org/draft-07/schema#");
  CHECK(schema["definitions"]["item_conveyor"]["properties"]["length"]["default"] == 3.0);
  const ProcessResult markdown = Twin({"layout", "schema", "--markdown"});
  RequireCleanExit(markdown, 0);
  CHECK_THAT(markdown.out, Contains("| `length` | number | 3 | > 0 | m |"));
  const ProcessResult bare = Twin({"layout"});
  RequireCleanExit(bare, 2);
  CHECK_THAT(bare.err, Contains("subcommand is required"));
}
