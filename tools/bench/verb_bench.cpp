// twin bench KIND: registers the benches as sub-verbs.
#include "../twin/cli_checks.h"
#include "../twin/verbs.h"
#include "bench.h"
#include "render_job.h"

#include <memory>

namespace twin::tools {

void AddBenchVerb(CLI::App& app, int* exit_code) {
  CLI::App* bench =
      app.add_subcommand("bench", "Measure performance against a baseline timed in the same run");
  bench->require_subcommand(1);

  auto physics = std::make_shared<BenchPhysicsOptions>();
  CLI::App* verb = bench->add_subcommand(
      "physics", "World::Step vs a raw mj_step loop (and mujoco-testspeed) on one model");
  verb->add_option("--model", physics->model,
                   "Layout (.yaml), MJCF or URDF model (default: MuJoCo's humanoid.xml)");
  verb->add_option("--steps", physics->steps, "Steps per timed loop")
      ->check(PositiveCount("a number of steps, e.g. --steps 20000"))
      ->capture_default_str();
  verb->add_option("--repeats", physics->repeats, "Rounds of each loop; the median is reported")
      ->check(PositiveCount("a number of rounds, e.g. --repeats 5"))
      ->capture_default_str();
  verb->callback([physics, exit_code] { *exit_code = BenchPhysics(*physics); });

  auto render = std::make_shared<BenchRenderOptions>();
  render->scene = std::string(TWIN_TWINS_DIR) + "/warehouse.yaml";
  CLI::App* render_verb = bench->add_subcommand(
      "render",
      "twin vs mujoco-record on its job (equal, and at defaults); fps per modality set and size");
  render_verb->add_option("--model", render->model, "MJCF model of the mujoco-record job")
      ->capture_default_str();
  render_verb->add_option("--duration", render->duration, "Simulated seconds of that job")
      ->check(PositiveNumber("seconds, e.g. --duration 5"))
      ->capture_default_str();
  render_verb
      ->add_option("--fps", render->fps,
                   "mujoco-record's FPS: a frame once more than 1/FPS s has passed")
      ->check(PositiveNumber("frames per second, e.g. --fps 60"))
      ->capture_default_str();
  render_verb
      ->add_option("--shadow-size", render->shadow_size,
                   "Shadow map side (texels) of the equal job, for both renderers")
      ->check(PositiveCount("a size in texels, e.g. --shadow-size 1024"))
      ->capture_default_str();
  render_verb
      ->add_option("--repeats", render->repeats,
                   "Rounds of the mujoco-record job (order alternating); the median is reported")
      ->check(PositiveCount("a number of rounds, e.g. --repeats 3"))
      ->capture_default_str();
  render_verb->add_option("--scene", render->scene, "Scene of the modality table")
      ->capture_default_str();
  render_verb->add_option("--frames", render->frames, "Frames per row of the modality table")
      ->check(BoundedCount(100000, "a number of frames, e.g. --frames 20"))
      ->capture_default_str();
  render_verb->add_option("--device", render->device, "Vulkan device: index or part of its name")
      ->check(DeviceSelector());
  render_verb->callback([render, exit_code] { *exit_code = BenchRender(*render); });

  // What `bench render` runs in a child process of its own: mujoco-record's job, done by twin.
  auto job = std::make_shared<RenderJobOptions>();
  CLI::App* job_verb = bench->add_subcommand(
      "render-job", "mujoco-record's job done by twin (MODEL DURATION FPS OUT.rgb)");
  job_verb->group("");  // internal: not listed in --help
  job_verb->add_option("model", job->model, "MJCF model")->required();
  job_verb->add_option("duration", job->duration, "Simulated seconds")->required();
  job_verb->add_option("fps", job->fps, "mujoco-record's FPS argument")->required();
  job_verb->add_option("out", job->out, "Raw RGB file to write")->required();
  job_verb->add_option("--device", job->device, "Vulkan device: index or part of its name")
      ->check(DeviceSelector());
  job_verb->callback([job, exit_code] { *exit_code = RenderJob(*job); });

  auto datagen = std::make_shared<BenchDatagenOptions>();
  datagen->scene = std::string(TWIN_TWINS_DIR) + "/warehouse.yaml";
  CLI::App* datagen_verb = bench->add_subcommand(
      "datagen", "twin datagen (1 and 2 writers, no fsync) vs rendering alone, same scene");
  datagen_verb->add_option("--scene", datagen->scene, "Scene (layout or model)")
      ->capture_default_str();
  datagen_verb->add_option("--frames", datagen->frames, "Frames per row")
      ->check(BoundedCount(100000, "a number of frames, e.g. --frames 20"))
      ->capture_default_str();
  datagen_verb
      ->add_option("--repeats", datagen->repeats,
                   "Rounds of every row, interleaved; each row reports its median round")
      ->check(PositiveCount("a number of rounds, e.g. --repeats 3"))
      ->capture_default_str();
  datagen_verb->add_option("--device", datagen->device, "Vulkan device: index or part of its name")
      ->check(DeviceSelector());
  datagen_verb->callback([datagen, exit_code] { *exit_code = BenchDatagen(*datagen); });
}

}  // namespace twin::tools
