// Every model of MuJoCo's sample zoo (libmujoco-samples) loads through World and runs 1000 steps
// without divergence or warnings. One CTest case per model: the cases are registered at start-up
// from the files on disk, so a model added to the zoo is tested without editing this file.
#include <twin/sim/world.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
const fs::path kZoo = "/usr/share/mujoco/model";

class ZooModelTest : public Catch::ITestInvoker {
 public:
  explicit ZooModelTest(fs::path model) : model_(std::move(model)) {}
  void invoke() const override {
    std::vector<std::string> log;
    twin::sim::WorldOptions options;
    options.log = [&log](const std::string& line) { log.push_back(line); };
    twin::sim::World world = twin::sim::World::FromFile(model_.string(), options);
    CHECK(world.load_warnings().empty());
    CHECK(world.Step(1000) == 1000);
    CHECK_FALSE(world.diverged());
    for (const std::string& line : log) FAIL_CHECK(line);
    CHECK(world.anomalies().empty());
    for (int i = 0; i < world.model()->nq; ++i) REQUIRE(std::isfinite(world.data()->qpos[i]));
  }

 private:
  fs::path model_;
};

class ZooMissingTest : public Catch::ITestInvoker {
 public:
  void invoke() const override {
    FAIL("MuJoCo's sample models are not in " << kZoo << ": run tools/setup (libmujoco-samples)");
  }
};

std::vector<fs::path> ZooModels() {
  std::vector<fs::path> models;
  std::error_code ec;
  if (!fs::is_directory(kZoo, ec)) return models;
  for (const auto& entry : fs::recursive_directory_iterator(kZoo, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".xml")
      models.push_back(entry.path());
  }
  std::sort(models.begin(), models.end());
  return models;
}

// Catch2 keeps copies of the names; the invokers live for the whole run.
struct ZooRegistration {
  ZooRegistration() {
    const std::vector<fs::path> models = ZooModels();
    if (models.empty()) {
      Register(new ZooMissingTest, "zoo: sample models are installed");
      return;
    }
    for (const fs::path& model : models) {
      Register(new ZooModelTest(model),
               "zoo: " + model.lexically_relative(kZoo).string() + " runs 1000 steps");
    }
  }
  void Register(Catch::ITestInvoker* invoker, const std::string& name) {
    registrations.push_back(std::make_unique<Catch::AutoReg>(
        invoker, CATCH_INTERNAL_LINEINFO, Catch::StringRef(),
        Catch::NameAndTags(Catch::StringRef(name), Catch::StringRef("[sim][zoo]"))));
  }
  std::vector<std::unique_ptr<Catch::AutoReg>> registrations;
} zoo_registration;

}  // namespace
