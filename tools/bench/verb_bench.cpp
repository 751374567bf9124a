// twin bench KIND: registers the benches as sub-verbs.
#include "../twin/cli_checks.h"
#include "../twin/verbs.h"
#include "bench.h"
#include "render_job.h"

#include <memory>

namespace twin::tools {
namespace {

void AddBenchBridgeVerbs([[maybe_unused]] CLI::App& bench, [[maybe_unused]] int* exit_code) {
#ifdef TWIN_WITH_ROS
  auto options = std::make_shared<BenchBridgeOptions>();
  options->scene = std::string(TWIN_TWINS_DIR) + "/warehouse.yaml";
  CLI::App* verb = bench.add_subcommand(
      "bridge",
      "ROS 1 bridge: image latency vs a bare roscpp publisher, sensor latency, lockstep round "
      "trips, the control rate realtime sustains, drift (starts its own roscore)");
  verb->add_option("--scene", options->scene, "Scene (a layout with a camera and an AMR)")
      ->capture_default_str();
  verb->add_option("--camera", options->camera, "Camera to stream (default: the scene's first)");
  verb->add_option("--robot", options->robot, "AMR to control (default: the scene's first)");
  verb->add_option("--frames", options->frames, "Images timed per transport-latency row")
      ->check(BoundedCount(100000, "a number of images, e.g. --frames 300"))
      ->capture_default_str();
  verb->add_option("--periods", options->periods, "Lockstep control periods timed per row")
      ->check(BoundedCount(1000000, "a number of periods, e.g. --periods 1000"))
      ->capture_default_str();
  verb->add_option("--sweep-seconds", options->sweep_seconds,
                   "Simulated seconds measured per control rate in realtime")
      ->check(PositiveNumber("seconds, e.g. --sweep-seconds 4"))
      ->capture_default_str();
  verb->add_option("--drift-seconds", options->drift_seconds,
                   "Simulated seconds of the realtime drift run (nothing rendered)")
      ->check(PositiveNumber("seconds, e.g. --drift-seconds 20"))
      ->capture_default_str();
  verb->add_option("--rates", options->rates,
                   "Control rates (Hz) tried in realtime, ascending; the sweep stops at the first "
                   "that does not hold")
      ->delimiter(',')
      ->check(PositiveNumber("Hz, e.g. --rates 10,20,50"))
      ->capture_default_str();
  verb->add_option("--device", options->device, "Vulkan device: index or part of its name")
      ->check(DeviceSelector());
  verb->callback([options, exit_code] { *exit_code = BenchBridge(*options); });

  // The twin side of `bench bridge`, in a process of its own (one roscpp node per process).
  auto hil = std::make_shared<BenchBridgeHilOptions>();
  CLI::App* hil_verb =
      bench.add_subcommand("bridge-hil", "twin hil with timed streams, for bench bridge");
  hil_verb->group("");  // internal: not listed in --help
  hil_verb->add_option("--scene", hil->scene, "Scene")->required();
  hil_verb->add_option("--out", hil->out, "Record file to write")->required();
  hil_verb->add_option("--mode", hil->mode, "realtime or lockstep");
  hil_verb->add_option("--image-topic", hil->image_topic, "Image stream to time");
  hil_verb->add_option("--state-topic", hil->state_topic, "Odometry stream to time");
  hil_verb->add_option("--command-topic", hil->command_topic, "Command topic to time");
  hil_verb->add_option("--images", hil->images, "Stop after this many images");
  hil_verb->add_option("--states", hil->states, "Stop after this many states");
  hil_verb->add_option("--duration", hil->duration, "Stop after this much sim time");
  hil_verb->add_option("--state-rate", hil->state_rate, "Hz of sim time");
  hil_verb->add_option("--control-period", hil->control_period, "Lockstep period (s)");
  hil_verb->add_flag("!--no-render", hil->render, "No cameras");
  hil_verb->add_option("--device", hil->device, "Vulkan device");
  hil_verb->callback([hil, exit_code] { *exit_code = BenchBridgeHil(*hil); });
#endif
}

}  // namespace

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

  AddBenchBridgeVerbs(*bench, exit_code);

  auto layout_edit = std::make_shared<BenchLayoutEditOptions>();
  layout_edit->scene = std::string(TWIN_TWINS_DIR) + "/warehouse.yaml";
  CLI::App* layout_edit_verb = bench->add_subcommand(
      "layout-edit",
      "A one-value edit of a layout document re-expanded vs loading the layout from disk");
  layout_edit_verb->add_option("--scene", layout_edit->scene, "Layout (.yaml)")
      ->capture_default_str();
  layout_edit_verb
      ->add_option("--repeats", layout_edit->repeats,
                   "Rounds of the three rows, interleaved; the median is reported")
      ->check(PositiveCount("a number of rounds, e.g. --repeats 20"))
      ->capture_default_str();
  layout_edit_verb->callback(
      [layout_edit, exit_code] { *exit_code = BenchLayoutEdit(*layout_edit); });

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
