#include <twin/base/error.h>
#include <twin/base/mujoco_messages.h>
#include <twin/base/suggest.h>
#include <twin/sim/world.h>

#include "model_names.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <sstream>
#include <utility>

namespace twin::sim {
namespace {

AnomalyKind KindOfWarning(int warning) {
  switch (warning) {
    case mjWARN_INERTIA: return AnomalyKind::kInertia;
    case mjWARN_CONTACTFULL: return AnomalyKind::kContactFull;
    case mjWARN_CNSTRFULL: return AnomalyKind::kConstraintFull;
    case mjWARN_VGEOMFULL: return AnomalyKind::kVisualGeomFull;
    case mjWARN_BADQPOS: return AnomalyKind::kBadQpos;
    case mjWARN_BADQVEL: return AnomalyKind::kBadQvel;
    case mjWARN_BADQACC: return AnomalyKind::kBadQacc;
    default: return AnomalyKind::kBadCtrl;
  }
}

// Which model element a MuJoCo warning's `lastinfo` points at.
std::string WhereOfWarning(const mjModel* m, int warning, int info) {
  switch (warning) {
    case mjWARN_INERTIA:
    case mjWARN_BADQVEL:
    case mjWARN_BADQACC: return internal::DescribeDof(m, info);
    case mjWARN_BADQPOS: return internal::DescribeQpos(m, info);
    case mjWARN_BADCTRL: return internal::DescribeActuator(m, info);
    default: return "";
  }
}

const char* AdviceFor(AnomalyKind kind) {
  switch (kind) {
    case AnomalyKind::kContactFull: return "raise <size nconmax=...> in the model";
    case AnomalyKind::kConstraintFull: return "raise <size njmax=...> in the model";
    case AnomalyKind::kInertia: return "give that body a realistic mass and inertia";
    case AnomalyKind::kBadCtrl: return "the controller sent NaN/Inf; MuJoCo zeroed all controls";
    case AnomalyKind::kMujocoError:
      return "the step was abandoned; raise <size nstack=...> if the stack overflowed";
    case AnomalyKind::kVisualGeomFull: return "";
    default:
      return "the simulation is unstable: reduce <option timestep>, or check masses, inertias, "
             "gains and limits near it";
  }
}

template <typename T>
void CopyOut(std::vector<T>* to, const T* from, int n) {
  to->assign(from, from + n);
}

template <typename T>
void CopyIn(T* to, const std::vector<T>& from) {
  std::copy(from.begin(), from.end(), to);
}

void ReadPhysicsState(const mjModel& m, const mjData& d, PhysicsState& s) {
  s.time = d.time;
  CopyOut(&s.qpos, d.qpos, m.nq);
  CopyOut(&s.qvel, d.qvel, m.nv);
  CopyOut(&s.act, d.act, m.na);
  CopyOut(&s.ctrl, d.ctrl, m.nu);
  CopyOut(&s.qacc_warmstart, d.qacc_warmstart, m.nv);
  CopyOut(&s.qfrc_applied, d.qfrc_applied, m.nv);
  CopyOut(&s.xfrc_applied, d.xfrc_applied, 6 * m.nbody);
  CopyOut(&s.mocap_pos, d.mocap_pos, 3 * m.nmocap);
  CopyOut(&s.mocap_quat, d.mocap_quat, 4 * m.nmocap);
  CopyOut(&s.userdata, d.userdata, m.nuserdata);
}

void WritePhysicsState(const PhysicsState& s, mjData& d) {
  d.time = s.time;
  CopyIn(d.qpos, s.qpos);
  CopyIn(d.qvel, s.qvel);
  CopyIn(d.act, s.act);
  CopyIn(d.ctrl, s.ctrl);
  CopyIn(d.qacc_warmstart, s.qacc_warmstart);
  CopyIn(d.qfrc_applied, s.qfrc_applied);
  CopyIn(d.xfrc_applied, s.xfrc_applied);
  CopyIn(d.mocap_pos, s.mocap_pos);
  CopyIn(d.mocap_quat, s.mocap_quat);
  CopyIn(d.userdata, s.userdata);
}

bool FitsModel(const mjModel& m, const PhysicsState& s) {
  return s.qpos.size() == size_t(m.nq) && s.qvel.size() == size_t(m.nv) &&
         s.act.size() == size_t(m.na) && s.ctrl.size() == size_t(m.nu) &&
         s.qacc_warmstart.size() == size_t(m.nv) && s.qfrc_applied.size() == size_t(m.nv) &&
         s.xfrc_applied.size() == size_t(6 * m.nbody) &&
         s.mocap_pos.size() == size_t(3 * m.nmocap) &&
         s.mocap_quat.size() == size_t(4 * m.nmocap) && s.userdata.size() == size_t(m.nuserdata);
}

}  // namespace

World::World(std::string name, mjModel* model, WorldOptions options, std::string load_warnings)
    : name_(std::move(name)),
      model_(model),
      options_(std::move(options)),
      noise_rng_(options_.seed, base::StreamId("sensor_noise")),
      load_warnings_(std::move(load_warnings)) {
  {
    base::MujocoWarningCapture capture(&mujoco_messages_);
    try {
      data_ = mj_makeData(model_);
    } catch (...) {
      mj_deleteModel(model_);
      throw;
    }
  }
  if (!data_) {
    mj_deleteModel(model_);
    throw base::Error(name_ + ": MuJoCo could not allocate the simulation data (model too large?)");
  }
  for (int s = 0; s < model_->nsensor; ++s) {
    if (model_->sensor_noise[s] > 0) noisy_sensors_.push_back(s);
  }
  if (!options_.log) {
    options_.log = [](const std::string& line) {
      std::fprintf(stderr, "twin: %s\n", line.c_str());
    };
  }
  Reset();
}

World::World(World&& other) noexcept : noise_rng_(other.noise_rng_) {
  *this = std::move(other);
}

World& World::operator=(World&& other) noexcept {
  if (this == &other) return *this;
  if (data_) mj_deleteData(data_);
  if (model_) mj_deleteModel(model_);
  name_ = std::move(other.name_);
  model_ = std::exchange(other.model_, nullptr);
  data_ = std::exchange(other.data_, nullptr);
  options_ = std::move(other.options_);
  noise_rng_ = other.noise_rng_;
  noisy_sensors_ = std::move(other.noisy_sensors_);
  pre_hooks_ = std::move(other.pre_hooks_);
  post_hooks_ = std::move(other.post_hooks_);
  added_pre_hooks_ = std::move(other.added_pre_hooks_);
  added_post_hooks_ = std::move(other.added_post_hooks_);
  next_hook_id_ = other.next_hook_id_;
  hook_passes_running_ = other.hook_passes_running_;
  stepping_ = other.stepping_;
  inbox_ = std::move(other.inbox_);
  behaviours_ = std::move(other.behaviours_);
  step_start_ = std::move(other.step_start_);
  step_ = other.step_;
  diverged_ = other.diverged_;
  divergence_resets_ = other.divergence_resets_;
  seen_warnings_ = other.seen_warnings_;
  anomalies_ = std::move(other.anomalies_);
  load_warnings_ = std::move(other.load_warnings_);
  mujoco_messages_ = std::move(other.mujoco_messages_);
  return *this;
}

World::~World() {
  if (data_) mj_deleteData(data_);
  if (model_) mj_deleteModel(model_);
}

int64_t World::Step(int64_t n) {
  TWIN_DEMAND(!stepping_);  // Step() called from a hook or a command
  stepping_ = true;
  struct StepGuard {
    bool& stepping;
    ~StepGuard() { stepping = false; }
  } guard{stepping_};
  base::MujocoWarningCapture capture(&mujoco_messages_);
  int64_t taken = 0;
  while (taken < n && !diverged_) {
    if (inbox_->pending() > 0) RunCommands();
    RunHooks(pre_hooks_);
    // What this step starts from, for a snapshot after it (see WorldSnapshot).
    if (!step_start_) step_start_.emplace();
    ReadPhysicsState(*model_, *data_, *step_start_);
    try {
      mj_step(model_, data_);
    } catch (const base::Error& error) {
      // MuJoCo abandoned the step part-way: its stack pointer is left where the error struck.
      data_->pstack = 0;
      step_start_.reset();
      ++taken;
      ++step_;
      Record(AnomalyKind::kMujocoError, "", error.what());
      OnDivergence();
      continue;
    }
    ++taken;
    ++step_;
    CheckAfterStep();
    mujoco_messages_.clear();  // their content is in the anomaly records
    if (diverged_) break;
    if (options_.sensor_noise && !noisy_sensors_.empty()) ApplySensorNoise();
    RunHooks(post_hooks_);
  }
  return taken;
}

int World::RunCommands() {
  int ran = 0;
  for (WorldCommand& command : inbox_->TakeAll()) {
    ++ran;
    try {
      command(*this);
    } catch (const std::exception& error) {
      options_.log(name_ + ": step " + std::to_string(step_) +
                   ": a posted command failed and was skipped: " + error.what());
    }
  }
  return ran;
}

void World::RunHooks(std::vector<Hook>& hooks) {
  // Hooks added meanwhile wait in added_*_hooks_ and removed ones are only marked, so `hooks`
  // keeps its size and no hook is moved or destroyed while it may be running.
  ++hook_passes_running_;
  struct PassGuard {
    World& world;
    ~PassGuard() {
      if (--world.hook_passes_running_ == 0) world.CommitHookChanges();
    }
  } guard{*this};
  for (size_t i = 0; i < hooks.size(); ++i) {
    if (!hooks[i].removed) hooks[i].fn(*model_, *data_);
  }
}

void World::CommitHookChanges() {
  for (auto [hooks, added] :
       {std::pair{&pre_hooks_, &added_pre_hooks_}, std::pair{&post_hooks_, &added_post_hooks_}}) {
    std::erase_if(*hooks, [](const Hook& hook) { return hook.removed; });
    for (Hook& hook : *added) {
      if (!hook.removed) hooks->push_back(std::move(hook));
    }
    added->clear();
  }
}

void World::CheckAfterStep() {
  bool divergence = false;
  for (int w = 0; w < mjNWARNING; ++w) {
    const int now = data_->warning[w].number;
    if (now == seen_warnings_[w]) continue;
    seen_warnings_[w] = now;
    if (now == 0) continue;  // MuJoCo reset its counters (it resets mjData on bad qpos/qvel/qacc)
    const int info = data_->warning[w].lastinfo;
    const AnomalyKind kind = KindOfWarning(w);
    Record(kind, WhereOfWarning(model_, w, info), mju_warningText(w, info));
    divergence = divergence || IsDivergence(kind);
  }

  // MuJoCo only looks for NaN/Inf at the start of the next step (and then silently resets);
  // catching it here names the step that produced it.
  const struct {
    const mjtNum* values;
    int size;
    const char* field;
  } state[] = {{data_->qpos, model_->nq, "qpos"},
               {data_->qvel, model_->nv, "qvel"},
               {data_->act, model_->na, "act"}};
  for (const auto& [values, size, field] : state) {
    for (int i = 0; i < size; ++i) {
      if (std::isfinite(values[i])) continue;
      const std::string f = field;
      const std::string where = f == "qpos"   ? internal::DescribeQpos(model_, i)
                                : f == "qvel" ? internal::DescribeDof(model_, i)
                                              : internal::DescribeAct(model_, i);
      Record(AnomalyKind::kNonFinite, where,
             std::string(values[i] != values[i] ? "NaN" : "Inf") + " in " + f + "[" +
                 std::to_string(i) + "]");
      divergence = true;
      break;
    }
  }
  if (divergence) OnDivergence();
}

void World::Record(AnomalyKind kind, const std::string& where, const std::string& detail) {
  for (Anomaly& anomaly : anomalies_) {
    if (anomaly.kind == kind) {
      ++anomaly.count;
      return;
    }
  }
  Anomaly anomaly;
  anomaly.kind = kind;
  anomaly.count = 1;
  anomaly.first_step = step_;
  anomaly.first_time = data_->time;
  anomaly.where = where;
  std::ostringstream line;
  line << name_ << ": step " << step_ << " (t = " << data_->time << " s): " << AnomalyKindName(kind)
       << ": " << detail;
  if (!where.empty()) line << " [" << where << "]";
  const std::string advice = AdviceFor(kind);
  if (!advice.empty()) line << "; " << advice;
  anomaly.message = line.str();
  options_.log(anomaly.message);
  anomalies_.push_back(std::move(anomaly));
}

void World::OnDivergence() {
  if (options_.on_divergence == DivergencePolicy::kStop) {
    diverged_ = true;
    return;
  }
  ++divergence_resets_;
  Reset();
}

void World::ApplySensorNoise() {
  const uint64_t base = static_cast<uint64_t>(step_) * static_cast<uint64_t>(model_->nsensordata);
  for (int s : noisy_sensors_) {
    const int adr = model_->sensor_adr[s];
    const mjtNum sigma = model_->sensor_noise[s];
    for (int j = 0; j < model_->sensor_dim[s]; ++j) {
      data_->sensordata[adr + j] += sigma * noise_rng_.Gaussian(base + adr + j);
    }
  }
}

void World::Reset(int keyframe) {
  base::MujocoWarningCapture capture(&mujoco_messages_);
  if (keyframe >= 0) {
    TWIN_DEMAND(keyframe < model_->nkey);
    mj_resetDataKeyframe(model_, data_, keyframe);
  } else {
    mj_resetData(model_, data_);
  }
  mj_forward(model_, data_);
  step_start_.reset();
  step_ = 0;
  diverged_ = false;
  for (int w = 0; w < mjNWARNING; ++w) seen_warnings_[w] = data_->warning[w].number;
}

void World::Forward() {
  base::MujocoWarningCapture capture(&mujoco_messages_);
  mj_forward(model_, data_);
  step_start_.reset();
}

WorldSnapshot World::Snapshot() const {
  WorldSnapshot s;
  ReadPhysicsState(*model_, *data_, s);
  s.step = step_;
  CopyOut(&s.sensordata, data_->sensordata, model_->nsensordata);
  std::copy(std::begin(data_->warning), std::end(data_->warning), s.mujoco_warnings.begin());
  s.step_start = step_start_;
  for (const BehaviourHooks& behaviour : behaviours_)
    s.behaviours.push_back({behaviour.name, behaviour.save()});
  return s;
}

void World::Restore(const WorldSnapshot& s) {
  const bool fits = FitsModel(*model_, s) && s.sensordata.size() == size_t(model_->nsensordata) &&
                    (!s.step_start || FitsModel(*model_, *s.step_start));
  if (!fits) throw base::Error(name_ + ": the snapshot was taken from a different model");
  bool same_behaviours = s.behaviours.size() == behaviours_.size();
  for (size_t i = 0; same_behaviours && i < behaviours_.size(); ++i)
    same_behaviours = s.behaviours[i].name == behaviours_[i].name;
  if (!same_behaviours) {
    auto names = [](const auto& list) {
      std::vector<std::string> names;
      for (const auto& b : list) names.push_back(b.name);
      const std::string text = base::JoinNames(names);
      return text.empty() ? std::string("none") : text;
    };
    throw base::Error(
        name_ + ": the snapshot's behaviours (" + names(s.behaviours) + ") are not this world's (" +
        names(behaviours_) +
        "); restore a snapshot into the world it was taken from, or one set up alike");
  }

  base::MujocoWarningCapture capture(&mujoco_messages_);
  bool replayed = false;
  if (s.step_start) {
    // The derived quantities as the snapshot's last step left them: replay that step.
    WritePhysicsState(*s.step_start, *data_);
    try {
      mj_step(model_, data_);
      replayed = true;
    } catch (const base::Error&) {
      data_->pstack = 0;  // it failed the first time too; fall back to the state's own
    }
  }
  WritePhysicsState(s, *data_);
  if (!replayed) {
    mj_forward(model_, data_);     // recompute positions, contacts, ...
    WritePhysicsState(s, *data_);  // ... and undo what mj_forward wrote into the state
  }
  CopyIn(data_->sensordata, s.sensordata);  // what the controller saw at snapshot time
  std::copy(s.mujoco_warnings.begin(), s.mujoco_warnings.end(), std::begin(data_->warning));
  for (int w = 0; w < mjNWARNING; ++w) seen_warnings_[w] = data_->warning[w].number;
  step_ = s.step;
  diverged_ = false;
  step_start_ = replayed ? s.step_start : std::nullopt;
  for (size_t i = 0; i < behaviours_.size(); ++i) behaviours_[i].restore(s.behaviours[i].state);
}

HookHandle World::AddHook(std::vector<Hook>& hooks, std::vector<Hook>& added, std::string name,
                          StepHook fn) {
  TWIN_DEMAND(fn);
  const uint64_t id = next_hook_id_++;
  (hook_passes_running_ > 0 ? added : hooks).push_back({id, std::move(name), std::move(fn)});
  return {id};
}

HookHandle World::AddPreStepHook(std::string name, StepHook hook) {
  return AddHook(pre_hooks_, added_pre_hooks_, std::move(name), std::move(hook));
}

HookHandle World::AddPostStepHook(std::string name, StepHook hook) {
  return AddHook(post_hooks_, added_post_hooks_, std::move(name), std::move(hook));
}

namespace {
// Marks (during a pass of hooks) or erases the hooks `match` accepts; returns how many.
template <typename Hooks, typename Match>
int RemoveMatching(Hooks& hooks, bool during_pass, Match match) {
  int removed = 0;
  for (auto& hook : hooks) {
    if (hook.removed || !match(hook)) continue;
    hook.removed = true;
    ++removed;
  }
  if (!during_pass) std::erase_if(hooks, [](const auto& hook) { return hook.removed; });
  return removed;
}
}  // namespace

bool World::RemoveHook(HookHandle handle) {
  if (!handle.valid()) return false;
  const auto match = [&](const Hook& hook) { return hook.id == handle.id; };
  const bool during = hook_passes_running_ > 0;
  int removed = 0;
  for (std::vector<Hook>* hooks :
       {&pre_hooks_, &post_hooks_, &added_pre_hooks_, &added_post_hooks_})
    removed += RemoveMatching(*hooks, during, match);
  return removed > 0;
}

int World::RemoveHooks(std::string_view name) {
  const auto match = [&](const Hook& hook) { return hook.name == name; };
  const bool during = hook_passes_running_ > 0;
  int removed = 0;
  for (std::vector<Hook>* hooks :
       {&pre_hooks_, &post_hooks_, &added_pre_hooks_, &added_post_hooks_})
    removed += RemoveMatching(*hooks, during, match);
  return removed;
}

std::vector<std::string> World::HookNames() const {
  std::vector<std::string> names;
  for (const std::vector<Hook>* hooks :
       {&pre_hooks_, &added_pre_hooks_, &post_hooks_, &added_post_hooks_}) {
    for (const Hook& hook : *hooks) {
      if (!hook.removed) names.push_back(hook.name);
    }
  }
  return names;
}

void World::AddBehaviourState(std::string name, SaveBehaviourState save,
                              RestoreBehaviourState restore) {
  TWIN_DEMAND(save && restore);
  behaviours_.push_back({std::move(name), std::move(save), std::move(restore)});
}

int World::BodyId(std::string_view name) const {
  return internal::RequireId(model_, name_, mjOBJ_BODY, "body", name);
}
int World::JointId(std::string_view name) const {
  return internal::RequireId(model_, name_, mjOBJ_JOINT, "joint", name);
}
int World::ActuatorId(std::string_view name) const {
  return internal::RequireId(model_, name_, mjOBJ_ACTUATOR, "actuator", name);
}
int World::SensorId(std::string_view name) const {
  return internal::RequireId(model_, name_, mjOBJ_SENSOR, "sensor", name);
}
int World::CameraId(std::string_view name) const {
  return internal::RequireId(model_, name_, mjOBJ_CAMERA, "camera", name);
}

namespace {
int QposWidth(int type) {
  return type == mjJNT_FREE ? 7 : type == mjJNT_BALL ? 4 : 1;
}
int QvelWidth(int type) {
  return type == mjJNT_FREE ? 6 : type == mjJNT_BALL ? 3 : 1;
}
}  // namespace

std::span<mjtNum> World::JointQpos(int joint) {
  TWIN_DEMAND(joint >= 0 && joint < model_->njnt);
  return {data_->qpos + model_->jnt_qposadr[joint],
          static_cast<size_t>(QposWidth(model_->jnt_type[joint]))};
}

std::span<mjtNum> World::JointQvel(int joint) {
  TWIN_DEMAND(joint >= 0 && joint < model_->njnt);
  return {data_->qvel + model_->jnt_dofadr[joint],
          static_cast<size_t>(QvelWidth(model_->jnt_type[joint]))};
}

std::span<const mjtNum> World::SensorReading(int sensor) const {
  TWIN_DEMAND(sensor >= 0 && sensor < model_->nsensor);
  return {data_->sensordata + model_->sensor_adr[sensor],
          static_cast<size_t>(model_->sensor_dim[sensor])};
}

}  // namespace twin::sim
