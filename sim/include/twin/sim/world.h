// twin::sim::World: one MuJoCo simulation (mjModel + mjData) that never takes the process down.
#pragma once

#include <twin/base/random.h>
#include <twin/scenes/scene.h>
#include <twin/sim/anomaly.h>
#include <twin/sim/command_inbox.h>

#include <mujoco/mujoco.h>

#include <any>
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace twin::sim {

struct WorldOptions {
  /// Drives every random choice of this World (e.g. sensor noise). Same seed, same bits.
  uint64_t seed = base::kDefaultSeed;
  DivergencePolicy on_divergence = DivergencePolicy::kStop;
  /// MuJoCo 2.2.2 stores each sensor's `noise` (standard deviation) but never applies it. When
  /// true, World adds that Gaussian noise to sensordata after every step, drawn from
  /// base::CounterRng(seed, base::StreamId("sensor_noise")) at index (step, sensor value) -
  /// reproducible.
  bool sensor_noise = true;
  /// Receives one line per anomaly kind (its first occurrence). Default: print to stderr.
  std::function<void(const std::string&)> log;
};

/// One behaviour's own state (its clocks, queues, targets and commands: plain data), as saved
/// with the world by World::AddBehaviourState.
struct BehaviourSnapshot {
  std::string name;
  std::any state;
};

/// The physics state in mjData: what mj_step reads besides the model (userdata: what hooks keep).
struct PhysicsState {
  double time = 0;
  std::vector<mjtNum> qpos, qvel, act, ctrl, qacc_warmstart, qfrc_applied, xfrc_applied;
  std::vector<mjtNum> mocap_pos, mocap_quat, userdata;
};

/// Everything a step reads: restoring it and stepping on gives the same bits as never having
/// stopped.
///
/// That includes the derived quantities (positions, contacts, forces) the next step's hooks read
/// before MuJoCo recomputes them: mj_step leaves those of the state it started from, not of the
/// state it integrated to. So the snapshot keeps that start (`step_start`), and Restore() replays
/// the step from it; when the derived quantities were computed from the state itself (after
/// Reset(), Forward(), or a Restore() of such a snapshot) it has none and Restore() runs
/// mj_forward.
struct WorldSnapshot : PhysicsState {
  int64_t step = 0;
  std::vector<mjtNum> sensordata;  ///< with World's sensor noise, as the controller saw it
  std::array<mjWarningStat, mjNWARNING> mujoco_warnings{};
  std::optional<PhysicsState> step_start;  ///< the last step's start, after its pre-step hooks
  /// The state of every behaviour registered on the world, in registration order.
  std::vector<BehaviourSnapshot> behaviours;
};

/// Runs before (pre) or after (post) every mj_step; the model is read-only.
using StepHook = std::function<void(const mjModel& model, mjData& data)>;

/// Names one hook added to a World, for World::RemoveHook. Default: no hook.
struct HookHandle {
  uint64_t id = 0;
  bool valid() const { return id != 0; }
};

/// How a behaviour hands its state to a snapshot and takes it back (see AddBehaviourState).
using SaveBehaviourState = std::function<std::any()>;
using RestoreBehaviourState = std::function<void(const std::any& state)>;

class World {
 public:
  /// Loads an MJCF or URDF file. Throws twin::base::Error naming the file (and line) on bad input.
  static World FromFile(const std::string& path, WorldOptions options = {});
  /// Loads MJCF (or URDF) text. `name` is used in messages; relative asset paths (meshes,
  /// textures, includes) resolve against `base_dir` (default: the working directory).
  static World FromXml(std::string_view xml, WorldOptions options = {},
                       const std::string& name = "<string>", const std::string& base_dir = "");
  /// Loads a scene from scenes::LoadScene (a layout's MJCF, or a model file).
  static World FromScene(const scenes::Scene& scene, WorldOptions options = {});

  World(World&&) noexcept;
  World& operator=(World&&) noexcept;
  ~World();

  /// Advances up to `n` steps of model timestep. Returns the number taken: fewer than `n` only
  /// when the simulation diverged under DivergencePolicy::kStop.
  int64_t Step(int64_t n = 1);
  /// Back to the model's initial state (qpos0, or keyframe `keyframe` when >= 0); clears
  /// diverged(), keeps the anomaly history, and sets the step counter to 0.
  void Reset(int keyframe = -1);
  /// mj_forward: the derived quantities of the state as it is now. Code that writes the state in
  /// data() between steps (e.g. the domain randomizer) calls this rather than mj_forward, so that
  /// a snapshot taken afterwards knows where its derived quantities come from.
  void Forward();

  /// The simulation state and every registered behaviour's state.
  WorldSnapshot Snapshot() const;
  /// Restores a snapshot taken from this World, behaviours included (throws twin::base::Error if it
  /// does not fit the model or its behaviours are not this World's).
  void Restore(const WorldSnapshot& snapshot);

  /// Hooks that keep no state of their own between steps. A hook that does (a clock, a queue, a
  /// target) belongs to a behaviour whose state is registered too: AttachBehaviour
  /// (sim/behaviour.h) does both. Hooks run in the order they were added.
  ///
  /// Adding and removing hooks is for the simulation thread (other threads Post a command that
  /// does it). Both are safe at any time, also from inside a hook or a command: a hook removed
  /// during a pass of hooks does not run in it if it has not yet, and is destroyed after the
  /// pass; a hook added during a pass first runs in the next pass of its kind.
  HookHandle AddPreStepHook(std::string name, StepHook hook);
  HookHandle AddPostStepHook(std::string name, StepHook hook);
  /// Removes the hook `handle` names; false when there is none (already removed, or never added
  /// to this world).
  bool RemoveHook(HookHandle handle);
  /// Removes every pre- and post-step hook called `name`; returns how many. A behaviour's state
  /// registered under the same name (AddBehaviourState) stays registered.
  int RemoveHooks(std::string_view name);
  /// The names of the hooks in run order (pre-step, then post-step), removed ones left out.
  std::vector<std::string> HookNames() const;
  /// Registers the state of a behaviour: Snapshot() calls `save` and keeps what it returns,
  /// Restore() hands it back to `restore`, so a restored world and its behaviours go on exactly
  /// as they did from the snapshot. Reset() leaves behaviour state alone (each behaviour sees the
  /// time go back and says in its header what it does then).
  void AddBehaviourState(std::string name, SaveBehaviourState save, RestoreBehaviourState restore);

  /// Queues `command` to run on the simulation thread at the start of the next Step (before the
  /// pre-step hooks) or at the next RunCommands(), whichever comes first, in posting order. Safe
  /// from any thread while another steps this world: the only way for other threads (network
  /// threads) to act on it. A command that throws is logged (log()) and the rest still run.
  /// Commands must not call Step().
  void Post(WorldCommand command) { inbox_->Post(std::move(command)); }
  /// The queue behind Post(), for threads that should hold it rather than the World (it stays
  /// valid when the World moves or is destroyed; posts to a destroyed world's inbox never run).
  std::shared_ptr<CommandInbox> inbox() const { return inbox_; }
  /// Runs the commands posted so far now, on the calling (simulation) thread, e.g. while the
  /// simulation is paused and does not step. Returns how many ran.
  int RunCommands();

  double time() const { return data_->time; }
  /// The simulated time the sensor readings, positions, contacts and forces in data() depict:
  /// mj_step computes them for the state it starts from and then integrates, so after Step()
  /// they are one timestep older than time() (the state that step started from); after Reset(),
  /// Forward() or a Restore() of such a snapshot they are of time() itself.
  double sensor_time() const { return step_start_ ? step_start_->time : data_->time; }
  /// The step whose state sensor_time() is: step_count() - 1 after a Step(), else step_count().
  int64_t sensor_step() const { return step_start_ ? step_ - 1 : step_; }
  /// Whether this world adds each sensor's `noise` to sensordata (WorldOptions::sensor_noise).
  bool applies_sensor_noise() const { return options_.sensor_noise; }
  double timestep() const { return model_->opt.timestep; }
  int64_t step_count() const { return step_; }
  uint64_t seed() const { return options_.seed; }
  const std::string& name() const { return name_; }
  /// Where lines for a person go (WorldOptions::log; stderr by default): behaviours and
  /// autopilots keep a copy to report what a step hook cannot return, e.g. a jammed cell.
  const std::function<void(const std::string&)>& log() const { return options_.log; }

  const mjModel* model() const { return model_; }
  /// The model, writable: for domain randomization (sim/domain_randomizer.h), which changes
  /// parameters such as light colours, frictions and masses between frames. The caller keeps it
  /// consistent (e.g. mj_setConst after changing masses) and restores what it changed.
  mjModel* mutable_model() { return model_; }
  const mjData* data() const { return data_; }
  mjData* data() { return data_; }

  // Named access. Each throws twin::base::Error naming the model, the missing name and the closest
  // existing ones.
  int BodyId(std::string_view name) const;
  int JointId(std::string_view name) const;
  int ActuatorId(std::string_view name) const;
  int SensorId(std::string_view name) const;
  int CameraId(std::string_view name) const;

  std::span<mjtNum> JointQpos(int joint);  ///< 7 values (free), 4 (ball), 1 (hinge/slide)
  std::span<mjtNum> JointQvel(int joint);  ///< 6, 3 or 1 values
  void SetControl(int actuator, mjtNum value) { data_->ctrl[actuator] = value; }
  std::span<const mjtNum> SensorReading(int sensor) const;

  /// True after a divergence under kStop, until Reset()/Restore().
  bool diverged() const { return diverged_; }
  /// Number of resets done under DivergencePolicy::kReset.
  int64_t divergence_resets() const { return divergence_resets_; }
  /// Every anomaly kind seen so far, in order of first occurrence.
  const std::vector<Anomaly>& anomalies() const { return anomalies_; }
  /// Text of MuJoCo warnings raised while loading (e.g. "contact buffer is full").
  const std::string& load_warnings() const { return load_warnings_; }

 private:
  World(std::string name, mjModel* model, WorldOptions options, std::string load_warnings);
  void CheckAfterStep();
  void Record(AnomalyKind kind, const std::string& where, const std::string& detail);
  void OnDivergence();
  void ApplySensorNoise();

  struct Hook {
    uint64_t id = 0;
    std::string name;
    StepHook fn;
    bool removed = false;  // removed during a pass; erased after it
  };
  HookHandle AddHook(std::vector<Hook>& hooks, std::vector<Hook>& added, std::string name,
                     StepHook fn);
  void RunHooks(std::vector<Hook>& hooks);
  void CommitHookChanges();
  struct BehaviourHooks {
    std::string name;
    SaveBehaviourState save;
    RestoreBehaviourState restore;
  };

  std::string name_;
  mjModel* model_ = nullptr;
  mjData* data_ = nullptr;
  WorldOptions options_;
  base::CounterRng noise_rng_;
  std::vector<int> noisy_sensors_;
  std::vector<Hook> pre_hooks_, post_hooks_;
  std::vector<Hook> added_pre_hooks_, added_post_hooks_;  // added during a pass of hooks
  uint64_t next_hook_id_ = 1;
  int hook_passes_running_ = 0;  // > 0 while hooks run: changes wait for CommitHookChanges
  bool stepping_ = false;
  std::shared_ptr<CommandInbox> inbox_ = std::make_shared<CommandInbox>();
  std::vector<BehaviourHooks> behaviours_;
  // Where the derived quantities in data_ come from: the start of the last step, or (none) the
  // state itself.
  std::optional<PhysicsState> step_start_;

  int64_t step_ = 0;
  bool diverged_ = false;
  int64_t divergence_resets_ = 0;
  std::array<int, mjNWARNING> seen_warnings_{};
  std::vector<Anomaly> anomalies_;
  std::string load_warnings_;
  std::string mujoco_messages_;  // warnings MuJoCo raised during the current call
};

}  // namespace twin::sim
