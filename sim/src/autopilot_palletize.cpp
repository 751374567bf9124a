#include "autopilot_palletize.h"

#include <twin/scenes/error.h>
#include <twin/scenes/suggest.h>
#include <twin/sim/site_world.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <deque>
#include <functional>
#include <numbers>
#include <optional>
#include <sstream>

namespace twin::sim::internal {
namespace {

using scenes::Pose;
using scenes::Vec3;

constexpr double kPi = std::numbers::pi;

// Motion tunables. Speeds are averages along a move (its peak is 1.5 times as fast).
constexpr double kCruise = 0.6;          // m/s, moves through free space
constexpr double kCareful = 0.15;        // m/s, onto a carton and into a slot
constexpr double kJointSpeed = 1.2;      // rad/s, the fastest joint of a move
constexpr double kMinMove = 0.3;         // s
constexpr double kPathStep = 0.04;       // m between the inverse-kinematics points of a path
constexpr double kApproachAbove = 0.08;  // tcp above a carton's top before going down onto it
constexpr double kGripAbove = 0.002;  // the tcp stops this far above the top; the cup draws it in
constexpr double kStopHeight = 0.1;   // the conveyor's end stop above the belt
constexpr double kSwing = 35 * kPi / 180;  // turn at full height before heading for the slot
// A carton is at the pick point when it is this near the beam (in plan) and at rest this long.
constexpr double kPickRadius = 0.1, kAtRest = 0.1, kSettleTime = 0.3;
constexpr double kGripTimeout = 1.0;  // s for the cup to hold a carton
constexpr double kDwell = 0.15;       // s to let a carried carton stop swinging before measuring
constexpr double kReleaseWait = 0.4;  // s after vacuum off before the cup leaves
// A carton lies near the pick point when it is this near in plan and at about the belt's height.
constexpr double kNearRadius = 0.4, kUpright = 0.985;  // the latter: cos(10 deg), its z axis up
// With a carton near the pick point but none ready there this long, the autopilot picks the near
// one where it lies (upright, at rest and in reach) or reports the cell jammed.
constexpr double kJamWait = 10.0;
constexpr int kMaxAttempts = 3;  // grips in a row the cup fails before the cell counts as jammed
// Between two inverse-kinematics points of a path (4 cm apart) no joint but the wrist's last may
// turn more than this: a larger jump is a change of configuration (shoulder, elbow or wrist
// flipping), which would sweep the arm through the cell.
constexpr double kMaxJointJump = 45 * kPi / 180;

// A tcp target in cylindrical coordinates about the arm's base axis, pointing down, its x axis at
// world yaw `yaw`: moves between targets sweep around the arm instead of cutting past it.
// `yaw` is taken modulo a half turn (the cup is square, a carton looks the same turned half round)
// and StartNext picks the half turn that suits the wrist, unless `exact_yaw`: then only whole
// turns are added (a carried carton is set down with the yaw its offset on the cup was worked
// out for).
struct Target {
  double r = 0, theta = 0, z = 0, yaw = 0;
  bool exact_yaw = false;
};

double WrapToPi(double a) {
  return std::remainder(a, 2 * kPi);
}

double YawOf(const mjtNum* xmat) {
  return std::atan2(xmat[3], xmat[0]);
}

std::string Seconds(double t) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", t);
  return text;
}

std::string Fmt(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", value);
  return text;
}

struct Carton {
  int body = -1, qvel = -1;
  Vec3 size{};
  double mass = 0;
};

class Palletize : public Autopilot {
 public:
  Palletize(SiteWorld& site, const scenes::AutopilotSpec& spec);
  std::string Status() const override;
  void Apply(const mjModel& model, mjData& data);

 private:
  enum class Phase {
    kStart,
    kWaitCarton,
    kGrip,
    kCarry,
    kDwell,
    kPlace,
    kRelease,
    kRetreat,
    kFull,
    kJammed,
    kFault
  };

  // Parameters.
  double Number(const std::string& key, double fallback, double min, double max) const;
  void ReadPattern();
  void CheckReach() const;

  // Geometry.
  Vec3 Base() const { return arm_->kinematics().base().position; }
  Target ToTarget(const Vec3& p, double yaw) const;
  Vec3 ToPoint(const Target& t) const;
  Pose SlotPose(const mjData& data, size_t slot) const;  // bottom centre, yaw of the pallet
  std::optional<JointVector> Solve(const Target& t, const JointVector& seed) const;
  // `yaw` plus the multiple of pi that keeps joint 6 within a quarter turn of the middle of its
  // range at bearing `theta` (the cup is square and a carton looks the same turned half round).
  double WristYaw(double yaw, double theta) const;
  void CalibrateWrist();

  // Motion: segments run one after another; each ends at rest.
  void Queue(const Target& to, double speed);
  bool Moving(const mjData& data);
  bool StartNext(const mjData& data);

  int CartonAtPick(const mjModel& model, const mjData& data) const;
  int CartonNearPick(const mjData& data) const;
  bool Upright(const mjData& data, int carton) const;
  void Pick(const mjData& data, int carton, double now);
  void Jam(const mjData& data, int carton, const std::string& why, double now);
  bool BeamBroken(const mjModel& model, const mjData& data) const;
  void Fault(const std::string& why);
  void Restart();
  void Enter(Phase phase, double time);

  scenes::AutopilotSpec spec_;
  std::shared_ptr<ArmController> arm_;
  std::shared_ptr<GripperControl> gripper_;
  std::shared_ptr<ConveyorDrive> conveyors_;
  std::string conveyor_;
  double belt_speed_ = 0, belt_top_ = 0;
  int beam_sensor_ = -1, beam_site_ = -1;
  double beam_length_ = 0;
  int pallet_body_ = -1;
  Pose pallet_layout_;  // the pallet's pose as laid out
  Vec3 pick_{};         // where the beam crosses the belt's middle, as laid out
  double pallet_length_ = 0, pallet_width_ = 0, pallet_height_ = 0;
  std::vector<Carton> cartons_;
  Vec3 carton_size_{};  // the largest of the pool, side by side
  int columns_ = 0, rows_ = 0, layers_ = 0;
  double gap_ = 0.03, clearance_ = 0.05, release_height_ = 0.005;
  std::vector<Vec3> slots_;  // bottom centres in the pallet frame, in placing order
  int tcp_site_ = -1;
  std::function<void(const std::string&)> log_;  // the world's log
  // Tool yaw minus bearing that puts joint 6 in the middle of its range (see WristYaw).
  double wrist_rel_ = 0;

  // State.
  Phase phase_ = Phase::kStart;
  double phase_start_ = 0, settle_start_ = -1, last_time_ = -1;
  bool moving_ = false;
  std::deque<std::pair<Target, double>> segments_;
  Target commanded_;  // where the last segment ends
  size_t next_slot_ = 0;
  int carton_ = -1;        // index into cartons_ being handled
  double grip_delta_ = 0;  // carton yaw minus tcp yaw, measured when gripped
  int missed_ = 0, dropped_ = 0, retried_ = 0, jams_ = 0;
  int attempts_ = 0;        // grips in a row that failed
  double near_since_ = -1;  // since when a carton lies near the pick point but none is ready
  int jam_carton_ = -1;     // the carton that jams the cell, and where it lay then
  Vec3 jam_at_{};
  std::string fault_, jam_;
};

Palletize::Palletize(SiteWorld& site, const scenes::AutopilotSpec& spec) : spec_(spec) {
  const scenes::Site& s = site.scene.site;
  const World& world = site.world;
  static const std::vector<std::string> kKeys = {"arm",        "gripper",   "conveyor",
                                                 "beam_break", "pallet",    "pattern",
                                                 "gap",        "clearance", "release_height"};
  for (const auto& [key, value] : spec.params) {
    if (std::find(kKeys.begin(), kKeys.end(), key) == kKeys.end()) {
      std::string list;
      for (const std::string& k : kKeys) list += (list.empty() ? "" : ", ") + k;
      spec.Fail(key, "unknown key '" + key + "' for autopilot 'palletize'" +
                         DidYouMean(key, kKeys) + "; allowed here: " + list);
    }
  }
  // Names of the site's items, each checked against what the site has.
  auto names_of = [](const auto& items, auto name) {
    std::vector<std::string> names;
    for (const auto& item : items) names.push_back(name(item));
    return names;
  };
  auto missing = [&](const std::string& key, const std::string& what,
                     const std::vector<std::string>& names) {
    const std::string& name = spec.Require(key).text;
    std::string list;
    for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
    spec.Fail(key, "the site has no " + what + " named '" + name + "'" + DidYouMean(name, names) +
                       (names.empty() ? "; it has none" : "; it has: " + list));
  };

  const std::string arm = spec.Require("arm").text;
  if (const auto it = site.arms.find(arm); it != site.arms.end()) {
    arm_ = it->second;
  } else {
    missing("arm", "arm", names_of(s.arms, [](const auto& a) { return a.entity; }));
  }
  const std::string gripper = spec.Require("gripper").text;
  if (const auto it = site.grippers.find(gripper); it != site.grippers.end()) {
    gripper_ = it->second;
  } else {
    missing("gripper", "gripper", names_of(s.grippers, [](const auto& g) { return g.entity; }));
  }
  if (gripper_->spec().kind != scenes::GripperKind::kSuction) {
    spec.Fail("gripper", "'" + gripper + "' is a parallel gripper; palletize needs a suction one");
  }
  if (gripper_->spec().arm != arm) {
    spec.Fail("gripper", "'" + gripper + "' is on the flange of '" + gripper_->spec().arm +
                             "', not of '" + arm + "'");
  }

  conveyor_ = spec.Require("conveyor").text;
  const scenes::ConveyorSpec* belt = nullptr;
  for (const scenes::ConveyorSpec& c : s.conveyors) {
    if (c.entity == conveyor_) belt = &c;
  }
  if (!belt) {
    missing("conveyor", "conveyor", names_of(s.conveyors, [](const auto& c) { return c.entity; }));
  }
  conveyors_ = site.conveyors;
  belt_speed_ = belt->speed;
  belt_top_ = belt->height;

  const std::string beam = spec.Require("beam_break").text;
  for (const scenes::BeamBreakSpec& b : s.beam_breaks) {
    if (b.name != beam) continue;
    beam_sensor_ = world.SensorId(b.sensor);
    beam_site_ = mj_name2id(world.model(), mjOBJ_SITE, b.site.c_str());
    beam_length_ = b.length;
  }
  if (beam_site_ >= 0) {
    const mjtNum* x = world.data()->site_xpos + 3 * beam_site_;
    const mjtNum* r = world.data()->site_xmat + 9 * beam_site_;
    for (int i = 0; i < 3; ++i) pick_[i] = x[i] + r[3 * i + 2] * beam_length_ / 2;
  }
  if (beam_sensor_ < 0 || beam_site_ < 0) {
    missing("beam_break", "beam-break sensor",
            names_of(s.beam_breaks, [](const auto& b) { return b.name; }));
  }

  const std::string pallet = spec.Require("pallet").text;
  const scenes::Entity* pallet_entity = s.FindEntity(pallet);
  if (!pallet_entity || pallet_entity->type != "pallet") {
    std::vector<std::string> pallets;
    for (const scenes::Entity& e : s.entities) {
      if (e.type == "pallet") pallets.push_back(e.name);
    }
    missing("pallet", "pallet", pallets);
  }
  pallet_body_ = world.BodyId(pallet);
  pallet_layout_ = pallet_entity->pose;
  pallet_length_ = pallet_entity->parameters.at("length");
  pallet_width_ = pallet_entity->parameters.at("width");
  pallet_height_ = pallet_entity->parameters.at("height");

  // The cartons: every spawner's pool.
  for (const scenes::SpawnerSpec& spawner : s.spawners) {
    for (const std::string& item : spawner.items) {
      const scenes::Entity* e = s.FindEntity(item);
      TWIN_DEMAND(e != nullptr);
      Carton carton;
      carton.body = world.BodyId(item);
      carton.qvel = world.model()->jnt_dofadr[world.model()->body_jntadr[carton.body]];
      carton.size = {e->parameters.at("size_x"), e->parameters.at("size_y"),
                     e->parameters.at("size_z")};
      carton.mass = e->parameters.at("mass");
      for (int i = 0; i < 3; ++i) carton_size_[i] = std::max(carton_size_[i], carton.size[i]);
      cartons_.push_back(carton);
    }
  }
  if (cartons_.empty()) {
    throw Error(spec.where +
                ": autopilot 'palletize' needs cartons: add a spawner on the "
                "conveyor '" +
                conveyor_ + "'");
  }

  gap_ = Number("gap", 0.03, 0, 0.5);
  clearance_ = Number("clearance", 0.05, 0.01, 0.5);
  release_height_ = Number("release_height", 0.005, 0, 0.1);
  ReadPattern();
  tcp_site_ = mj_name2id(world.model(), mjOBJ_SITE, gripper_->spec().tcp_site.c_str());
  TWIN_DEMAND(tcp_site_ >= 0);
  log_ = world.log();
  CheckReach();
  CalibrateWrist();
}

double Palletize::Number(const std::string& key, double fallback, double min, double max) const {
  const auto it = spec_.params.find(key);
  if (it == spec_.params.end()) return fallback;
  std::istringstream in(it->second.text);
  double value = 0;
  if (!(in >> value) || !(in >> std::ws).eof()) {
    spec_.Fail(key, key + " must be a number, got '" + it->second.text + "'");
  }
  if (!(value >= min && value <= max)) {
    spec_.Fail(key, key + " must be in [" + Fmt(min) + ", " + Fmt(max) + "] metres, got " +
                        it->second.text);
  }
  return value;
}

void Palletize::ReadPattern() {
  const scenes::AutopilotSpec::Value& pattern = spec_.Require("pattern");
  std::istringstream in(pattern.text);
  std::vector<int> counts;
  std::string word;
  while (in >> word) {
    char* end = nullptr;
    const long n = std::strtol(word.c_str(), &end, 10);
    if (*end != '\0' || n < 1 || n > 100) {
      spec_.Fail(
          "pattern",
          "pattern is [columns, rows, layers], whole numbers from 1 to 100; got '" + word + "'");
    }
    counts.push_back(static_cast<int>(n));
  }
  if (counts.size() != 3) {
    spec_.Fail("pattern", "pattern is [columns, rows, layers], like [3, 2, 4]; got " +
                              std::to_string(counts.size()) + " numbers");
  }
  columns_ = counts[0];
  rows_ = counts[1];
  layers_ = counts[2];
  const double pitch_x = carton_size_[0] + gap_, pitch_y = carton_size_[1] + gap_;
  const double need_x = columns_ * pitch_x - gap_, need_y = rows_ * pitch_y - gap_;
  if (need_x > pallet_length_ + 1e-9 || need_y > pallet_width_ + 1e-9) {
    spec_.Fail("pattern", std::to_string(columns_) + " x " + std::to_string(rows_) +
                              " cartons of " + Fmt(carton_size_[0]) + " x " + Fmt(carton_size_[1]) +
                              " m with " + Fmt(gap_) + " m gaps need " + Fmt(need_x) + " x " +
                              Fmt(need_y) + " m; the pallet '" + spec_.Require("pallet").text +
                              "' is " + Fmt(pallet_length_) + " x " + Fmt(pallet_width_) +
                              " m: use fewer columns or rows, or a smaller gap");
  }

  // Layer by layer; in a layer, the row farthest from the arm first, and in a row the column
  // farthest from the pick point first, so a carton never passes over one placed in its layer.
  const Vec3 base = Base();
  std::vector<Vec3> layer;
  for (int c = 0; c < columns_; ++c) {
    for (int r = 0; r < rows_; ++r) {
      layer.push_back({(c - (columns_ - 1) / 2.0) * pitch_x, (r - (rows_ - 1) / 2.0) * pitch_y, 0});
    }
  }
  auto world_xy = [&](const Vec3& local) {
    return scenes::Compose(pallet_layout_, {local, {1, 0, 0, 0}}).position;
  };
  auto plan_distance = [](const Vec3& a, const Vec3& b) {
    return std::hypot(a[0] - b[0], a[1] - b[1]);
  };
  std::stable_sort(layer.begin(), layer.end(), [&](const Vec3& a, const Vec3& b) {
    const double ra = plan_distance(world_xy(a), base), rb = plan_distance(world_xy(b), base);
    // Slots of one row are about as far from the arm; rows differ by a carton's width.
    const double row_a = std::round(ra / (0.5 * pitch_y)), row_b = std::round(rb / (0.5 * pitch_y));
    if (row_a != row_b) return row_a > row_b;
    return plan_distance(world_xy(a), pick_) > plan_distance(world_xy(b), pick_);
  });
  for (int l = 0; l < layers_; ++l) {
    for (const Vec3& slot : layer) {
      slots_.push_back({slot[0], slot[1], pallet_height_ + l * carton_size_[2]});
    }
  }
}

// Every slot must be reachable where the carton is let go and where it hovers before, as must
// the pick point: a pattern the arm cannot serve is a layout error, not a stall at run time.
void Palletize::CheckReach() const {
  const JointVector home = arm_->spec().home;
  const double pallet_yaw =
      2 * std::atan2(pallet_layout_.orientation[3], pallet_layout_.orientation[0]);
  const double lift = belt_top_ + kStopHeight + clearance_ + carton_size_[2];
  if (!Solve(ToTarget({pick_[0], pick_[1], belt_top_ + carton_size_[2] + kGripAbove}, 0), home) ||
      !Solve(ToTarget({pick_[0], pick_[1], lift}, 0), home)) {
    spec_.Fail("beam_break", "the arm '" + arm_->spec().entity +
                                 "' cannot reach a carton at the beam '" +
                                 spec_.Require("beam_break").text + "' (" + Fmt(pick_[0]) + ", " +
                                 Fmt(pick_[1]) + "): move the conveyor's end nearer the arm");
  }
  for (size_t k = 0; k < slots_.size(); ++k) {
    const Vec3 p = scenes::Compose(pallet_layout_, {slots_[k], {1, 0, 0, 0}}).position;
    const double release = p[2] + release_height_ + carton_size_[2];
    const double hover = p[2] + 2 * carton_size_[2] + clearance_;
    for (double z : {release, hover}) {
      if (!Solve(ToTarget({p[0], p[1], z}, pallet_yaw), home) &&
          !Solve(ToTarget({p[0], p[1], z}, pallet_yaw + kPi / 2), home)) {
        const int layer_size = columns_ * rows_;
        spec_.Fail("pattern",
                   "slot " + std::to_string(k + 1) + " (layer " +
                       std::to_string(k / layer_size + 1) + ") at (" + Fmt(p[0]) + ", " +
                       Fmt(p[1]) + ", " + Fmt(p[2]) + ") is out of the reach of '" +
                       arm_->spec().entity +
                       "': use fewer layers, columns or rows, or move the pallet nearer");
      }
    }
  }
}

Target Palletize::ToTarget(const Vec3& p, double yaw) const {
  const Vec3 b = Base();
  return {std::hypot(p[0] - b[0], p[1] - b[1]), std::atan2(p[1] - b[1], p[0] - b[0]), p[2], yaw};
}

Vec3 Palletize::ToPoint(const Target& t) const {
  const Vec3 b = Base();
  return {b[0] + t.r * std::cos(t.theta), b[1] + t.r * std::sin(t.theta), t.z};
}

Pose Palletize::SlotPose(const mjData& data, size_t slot) const {
  const mjtNum* x = data.xpos + 3 * pallet_body_;
  const mjtNum* r = data.xmat + 9 * pallet_body_;
  const Vec3& s = slots_[slot];
  Pose pose;
  for (int i = 0; i < 3; ++i) {
    pose.position[i] = x[i] + r[3 * i] * s[0] + r[3 * i + 1] * s[1] + r[3 * i + 2] * s[2];
  }
  const double yaw = YawOf(r);
  pose.orientation = {std::cos(yaw / 2), 0, 0, std::sin(yaw / 2)};
  return pose;
}

std::optional<JointVector> Palletize::Solve(const Target& t, const JointVector& seed) const {
  return arm_->kinematics().Inverse(ToolDownPose(ToPoint(t), t.yaw), seed,
                                    gripper_->spec().tcp_in_flange);
}

// With the tool pointing down, joint 6 turns against the tool's yaw relative to the arm's
// bearing (joint 1 follows the bearing): q6 = c + s (yaw - theta), s = +-1. Every target's yaw is
// picked from its half turns so that yaw - theta stays within a quarter turn of the value that
// puts q6 mid-range; paths interpolate yaw and theta together, so joint 6 never winds up towards
// its limit however many cycles the cell runs. (Choosing the half turn nearest the previous yaw
// let it creep half a turn at a time until the inverse kinematics had to flip the whole arm.)
void Palletize::CalibrateWrist() {
  const JointVector& lower = arm_->spec().lower;
  const JointVector& upper = arm_->spec().upper;
  const double middle = 0.5 * (lower[5] + upper[5]);
  JointVector seed = arm_->spec().home;
  seed[5] = middle;
  Target t = ToTarget({pick_[0], pick_[1], belt_top_ + carton_size_[2] + kApproachAbove}, 0);
  t.yaw = t.theta;
  const auto q0 = Solve(t, seed);
  t.yaw += 0.1;
  const auto q1 = q0 ? Solve(t, *q0) : std::nullopt;
  if (!q0 || !q1) return;  // CheckReach has made sure that the pick point is in reach
  const double s = (*q1)[5] > (*q0)[5] ? 1 : -1;
  wrist_rel_ = (middle - (*q0)[5]) / s;
}

double Palletize::WristYaw(double yaw, double theta) const {
  return theta + wrist_rel_ + std::remainder(yaw - theta - wrist_rel_, kPi);
}

void Palletize::Queue(const Target& to, double speed) {
  segments_.emplace_back(to, speed);
}

// Starts the next queued segment: inverse kinematics every few centimetres along it (in
// cylindrical coordinates about the arm), timed by a smooth profile, followed as one spline.
bool Palletize::StartNext(const mjData&) {
  auto [to, speed] = segments_.front();
  segments_.pop_front();
  Target from = commanded_;
  // The shorter way round.
  const double turn = WrapToPi(to.theta - from.theta);
  const double wrist_yaw = WristYaw(to.yaw, from.theta + turn);
  to.yaw =
      to.exact_yaw ? to.yaw + 2 * kPi * std::round((wrist_yaw - to.yaw) / (2 * kPi)) : wrist_yaw;
  const double arc = std::hypot(to.r - from.r, 0.5 * (to.r + from.r) * turn, to.z - from.z);
  const int n = std::max(3, static_cast<int>(std::ceil(arc / kPathStep)));
  std::vector<JointVector> q;
  JointVector seed = arm_->reference();
  for (int i = 1; i <= n; ++i) {
    const double s = static_cast<double>(i) / n;
    const Target t{from.r + s * (to.r - from.r), from.theta + s * turn,
                   from.z + s * (to.z - from.z), from.yaw + s * (to.yaw - from.yaw)};
    const auto solution = Solve(t, seed);
    if (!solution) {
      const Vec3 p = ToPoint(t);
      Fault("no inverse kinematics for the tcp at (" + Fmt(p[0]) + ", " + Fmt(p[1]) + ", " +
            Fmt(p[2]) + ")");
      return false;
    }
    for (int j = 0; j < 5; ++j) {
      if (std::abs((*solution)[j] - seed[j]) > kMaxJointJump) {
        const Vec3 p = ToPoint(t);
        Fault("the path to the tcp at (" + Fmt(p[0]) + ", " + Fmt(p[1]) + ", " + Fmt(p[2]) +
              ") would flip the arm (joint " + std::to_string(j + 1) + " jumps " +
              Fmt(((*solution)[j] - seed[j]) * 180 / kPi) + " deg)");
        return false;
      }
    }
    q.push_back(*solution);
    seed = *solution;
  }
  // The joint that travels farthest sets a lower bound on the time.
  JointVector travel{};
  JointVector previous = arm_->reference();
  for (const JointVector& point : q) {
    for (int j = 0; j < 6; ++j) travel[j] += std::abs(point[j] - previous[j]);
    previous = point;
  }
  const double widest = *std::max_element(travel.begin(), travel.end());
  const double duration = std::max({kMinMove, arc / speed, widest / kJointSpeed});
  // Smoothstep timing: the points are equally spaced along the path, so point i is reached when
  // 3 tau^2 - 2 tau^3 = i / n.
  std::vector<TrajectoryPoint> points;
  for (int i = 1; i <= n; ++i) {
    const double s = static_cast<double>(i) / n;
    double tau = s;
    for (int k = 0; k < 30; ++k)
      tau = std::clamp(
          tau - (3 * tau * tau - 2 * tau * tau * tau - s) / std::max(1e-6, 6 * tau - 6 * tau * tau),
          0.0, 1.0);
    TrajectoryPoint p;
    p.time = std::max(tau, 1e-3 * i) * duration;
    p.positions.assign(q[i - 1].begin(), q[i - 1].end());
    points.push_back(std::move(p));
  }
  for (size_t i = 1; i < points.size(); ++i) {
    points[i].time = std::max(points[i].time, points[i - 1].time + 1e-3);
  }
  arm_->Follow(JointTrajectory(std::move(points)));
  commanded_ = {to.r, from.theta + turn, to.z, to.yaw};
  return true;
}

// True while a segment runs or more are queued; starts the next one when the last has ended.
bool Palletize::Moving(const mjData& data) {
  if (!arm_->done()) return true;
  if (segments_.empty()) return false;
  StartNext(data);
  return phase_ != Phase::kFault;
}

bool Palletize::BeamBroken(const mjModel& model, const mjData& data) const {
  const mjtNum range = data.sensordata[model.sensor_adr[beam_sensor_]];
  return range >= 0 && range < beam_length_ - 1e-3;
}

// The carton resting at the pick point, or -1.
int Palletize::CartonAtPick(const mjModel&, const mjData& data) const {
  for (size_t i = 0; i < cartons_.size(); ++i) {
    const mjtNum* x = data.xpos + 3 * cartons_[i].body;
    if (std::hypot(x[0] - pick_[0], x[1] - pick_[1]) > kPickRadius) continue;
    if (std::abs(x[2] - belt_top_) > 0.05) continue;
    const mjtNum* v = data.qvel + cartons_[i].qvel;
    if (std::hypot(v[0], v[1], v[2]) > kAtRest) return -1;
    return static_cast<int>(i);
  }
  return -1;
}

// The carton nearest the pick point that lies on the belt near it (not on the cup), or -1.
int Palletize::CartonNearPick(const mjData& data) const {
  int nearest = -1;
  double best = kNearRadius;
  for (size_t i = 0; i < cartons_.size(); ++i) {
    const mjtNum* x = data.xpos + 3 * cartons_[i].body;
    const double d = std::hypot(x[0] - pick_[0], x[1] - pick_[1]);
    if (d > best || std::abs(x[2] - belt_top_) > 0.15) continue;
    best = d;
    nearest = static_cast<int>(i);
  }
  return nearest;
}

bool Palletize::Upright(const mjData& data, int carton) const {
  return data.xmat[9 * cartons_[carton].body + 8] > kUpright;
}

// Stops the belt and goes down onto the top of `carton` where it lies, the vacuum on.
void Palletize::Pick(const mjData& data, int carton, double now) {
  carton_ = carton;
  conveyors_->SetSpeed(conveyor_, 0);
  const Carton& c = cartons_[carton_];
  const mjtNum* x = data.xpos + 3 * c.body;
  const mjtNum* r = data.xmat + 9 * c.body;
  const Vec3 top{x[0] + r[2] * c.size[2], x[1] + r[5] * c.size[2], x[2] + r[8] * c.size[2]};
  const double yaw = YawOf(r);
  Queue(ToTarget({top[0], top[1], top[2] + kApproachAbove}, yaw), kCruise);
  gripper_->SetVacuum(true);
  Queue(ToTarget({top[0], top[1], top[2] + kGripAbove}, yaw), kCareful);
  Enter(Phase::kGrip, now);
}

// The cell cannot go on by itself: the belt stops, the arm waits above the pick point, one line
// goes to the log and the status says why. It goes on once the carton `carton` has been moved.
void Palletize::Jam(const mjData& data, int carton, const std::string& why, double now) {
  ++jams_;
  jam_ = why;
  jam_carton_ = carton;
  for (int i = 0; i < 3; ++i) jam_at_[i] = data.xpos[3 * cartons_[carton].body + i];
  attempts_ = 0;
  near_since_ = -1;
  conveyors_->SetSpeed(conveyor_, 0);
  log_("autopilot palletize: jammed at t = " + Seconds(now) + " s: " + why +
       "; the belt stays stopped until that carton is moved");
  Enter(Phase::kJammed, now);
}

void Palletize::Fault(const std::string& why) {
  fault_ = why;
  phase_ = Phase::kFault;
  segments_.clear();
  arm_->Stop();
  log_("autopilot palletize: stopped: " + why);
}

void Palletize::Enter(Phase phase, double time) {
  phase_ = phase;
  phase_start_ = time;
}

// Back to the beginning (the world was reset or restored to an earlier time).
void Palletize::Restart() {
  phase_ = Phase::kStart;
  segments_.clear();
  next_slot_ = 0;
  carton_ = -1;
  settle_start_ = -1;
  missed_ = dropped_ = retried_ = jams_ = attempts_ = 0;
  near_since_ = -1;
  fault_.clear();
  jam_.clear();
  jam_carton_ = -1;
  gripper_->SetVacuum(false);
  arm_->SetPayload(0, {});
  conveyors_->SetSpeed(conveyor_, belt_speed_);
}

void Palletize::Apply(const mjModel& model, mjData& data) {
  const double now = data.time;
  if (now < last_time_) Restart();
  last_time_ = now;
  if (phase_ == Phase::kFault || phase_ == Phase::kFull) return;
  if (Moving(data)) {
    moving_ = true;
    return;
  }
  if (phase_ == Phase::kFault) return;
  // Waits count from the end of the phase's moves.
  if (moving_) phase_start_ = now;
  moving_ = false;

  const double top_of_pick = belt_top_ + carton_size_[2];
  const double lift = belt_top_ + kStopHeight + clearance_ + carton_size_[2];
  // Above the pick point, the cup square to the arm's bearing (StartNext picks the half turn).
  Target ready = ToTarget({pick_[0], pick_[1], top_of_pick + kApproachAbove}, 0);
  ready.yaw = WristYaw(ready.theta, ready.theta);
  switch (phase_) {
    case Phase::kStart: {
      // From wherever the arm is, straight to the ready pose in joint space, joint 6 mid-range.
      JointVector seed = arm_->reference();
      seed[5] = 0.5 * (arm_->spec().lower[5] + arm_->spec().upper[5]);
      const auto q = Solve(ready, seed);
      if (!q) return Fault("cannot reach the pick point");
      arm_->MoveTo(*q, 3.0);
      commanded_ = ready;
      Enter(Phase::kRetreat, now);
      return;
    }
    case Phase::kWaitCarton: {
      const int carton = BeamBroken(model, data) ? CartonAtPick(model, data) : -1;
      if (carton >= 0 && Upright(data, carton)) {
        near_since_ = -1;
        if (settle_start_ < 0) settle_start_ = now;
        if (now - settle_start_ < kSettleTime) return;
        settle_start_ = -1;
        return Pick(data, carton, now);
      }
      settle_start_ = -1;
      // Nothing ready at the pick point. That is normal while the belt brings the next carton;
      // with one lying near the pick point for long, it is stuck (pushed aside, tilted, caught).
      const int near = CartonNearPick(data);
      if (near < 0) {
        near_since_ = -1;
        return;
      }
      if (near_since_ < 0) near_since_ = now;
      if (now - near_since_ < kJamWait) return;
      near_since_ = -1;
      const mjtNum* x = data.xpos + 3 * cartons_[near].body;
      const mjtNum* v = data.qvel + cartons_[near].qvel;
      const std::string where = "a carton at (" + Fmt(x[0]) + ", " + Fmt(x[1]) + ", " + Fmt(x[2]) +
                                "), " + Fmt(std::hypot(x[0] - pick_[0], x[1] - pick_[1])) +
                                " m from the pick point";
      if (!Upright(data, near)) {
        const double tilt =
            std::acos(std::clamp<double>(data.xmat[9 * cartons_[near].body + 8], -1, 1));
        return Jam(data, near, where + ", lies tilted " + Fmt(tilt * 180 / kPi) + " deg", now);
      }
      if (std::hypot(v[0], v[1], v[2]) > kAtRest)
        return Jam(data, near, where + ", does not come to rest", now);
      // Upright and at rest where the belt cannot bring it on: pick it where it lies.
      ++retried_;
      return Pick(data, near, now);
    }
    case Phase::kGrip: {
      const Carton& c = cartons_[carton_];
      if (gripper_->HeldBody(model, data) == c.body) {
        attempts_ = 0;
        const Vec3 tcp = gripper_->spec().tcp_in_flange.position;
        arm_->SetPayload(c.mass, {tcp[0], tcp[1], tcp[2] + c.size[2] / 2});
        grip_delta_ = YawOf(data.xmat + 9 * c.body) - YawOf(data.site_xmat + 9 * tcp_site_);
        // Up clear of the end stop, round at full height, then over the slot above the stack.
        const Pose slot = SlotPose(data, next_slot_);
        const double slot_yaw = 2 * std::atan2(slot.orientation[3], slot.orientation[0]);
        const double hover = slot.position[2] + 2 * c.size[2] + clearance_;
        Target up = commanded_;
        up.z = lift;
        Queue(up, kCruise);
        const Target over = ToTarget(slot.position, 0);
        Target swing = up;
        swing.theta = commanded_.theta + std::copysign(kSwing, WrapToPi(over.theta - up.theta));
        Queue(swing, kCruise);
        Target above = over;
        above.z = hover;
        above.yaw = slot_yaw - grip_delta_;
        Queue(above, kCruise);
        return Enter(Phase::kCarry, now);
      }
      if (now - phase_start_ < kGripTimeout) return;
      // Not held: let go, back up and try again on where the carton lies now (kWaitCarton reads
      // its pose afresh), or report the cell jammed after a few failures in a row.
      ++missed_;
      ++attempts_;
      gripper_->SetVacuum(false);
      Queue(ready, kCruise);
      if (attempts_ >= kMaxAttempts) {
        const mjtNum* x = data.xpos + 3 * c.body;
        Jam(data, carton_,
            "the cup failed " + std::to_string(attempts_) +
                " times in a row to hold the carton at (" + Fmt(x[0]) + ", " + Fmt(x[1]) + ", " +
                Fmt(x[2]) + ")",
            now);
        return;
      }
      conveyors_->SetSpeed(conveyor_, belt_speed_);
      return Enter(Phase::kRetreat, now);
    }
    case Phase::kCarry: {
      conveyors_->SetSpeed(conveyor_, belt_speed_);
      return Enter(Phase::kDwell, now);
    }
    case Phase::kDwell: {
      if (now - phase_start_ < kDwell) return;
      const Carton& c = cartons_[carton_];
      if (gripper_->HeldBody(model, data) != c.body) {
        ++dropped_;
        gripper_->SetVacuum(false);
        arm_->SetPayload(0, {});
        Queue(ready, kCruise);
        return Enter(Phase::kRetreat, now);
      }
      // Where the carton hangs now (it creeps on the cup while carried): move the tcp so that
      // the carton, not the cup, lands on the slot, squared to the pallet.
      const Pose slot = SlotPose(data, next_slot_);
      const double slot_yaw = 2 * std::atan2(slot.orientation[3], slot.orientation[0]);
      const mjtNum* cx = data.xpos + 3 * c.body;
      const mjtNum* px = data.site_xpos + 3 * tcp_site_;
      const double tcp_yaw = YawOf(data.site_xmat + 9 * tcp_site_);
      const double delta = YawOf(data.xmat + 9 * c.body) - tcp_yaw;
      const double yaw = WristYaw(slot_yaw - delta, commanded_.theta);
      const double turn = yaw - tcp_yaw;
      const double ox = cx[0] - px[0], oy = cx[1] - px[1];
      const Vec3 tcp{slot.position[0] - (std::cos(turn) * ox - std::sin(turn) * oy),
                     slot.position[1] - (std::sin(turn) * ox + std::cos(turn) * oy),
                     slot.position[2] + release_height_ + (px[2] - cx[2])};
      Target place = ToTarget(tcp, yaw);
      place.exact_yaw = true;
      // Squared above the slot first, then straight down into it.
      Target above = place;
      above.z = commanded_.z;
      Queue(above, kCareful);
      Queue(place, kCareful);
      return Enter(Phase::kPlace, now);
    }
    case Phase::kPlace: {
      gripper_->SetVacuum(false);
      arm_->SetPayload(0, {});
      return Enter(Phase::kRelease, now);
    }
    case Phase::kRelease: {
      if (now - phase_start_ < kReleaseWait) return;
      ++next_slot_;
      carton_ = -1;
      Target up = commanded_;
      up.z += cartons_.front().size[2] + clearance_;
      Queue(up, kCareful);
      Target swing = ready;
      swing.z = lift;
      swing.theta = ready.theta + std::copysign(kSwing, WrapToPi(up.theta - ready.theta));
      swing.r = ready.r;
      Queue(swing, kCruise);
      Queue(ready, kCruise);
      return Enter(Phase::kRetreat, now);
    }
    case Phase::kRetreat: {
      if (next_slot_ >= slots_.size()) {
        conveyors_->SetSpeed(conveyor_, 0);
        return Enter(Phase::kFull, now);
      }
      return Enter(Phase::kWaitCarton, now);
    }
    case Phase::kJammed: {
      // Someone has cleared the jam once the carton that caused it has been moved.
      const mjtNum* x = data.xpos + 3 * cartons_[jam_carton_].body;
      if (std::hypot(x[0] - jam_at_[0], x[1] - jam_at_[1], x[2] - jam_at_[2]) < 0.05) return;
      log_("autopilot palletize: jam cleared at t = " + Seconds(now) + " s, going on");
      jam_.clear();
      carton_ = -1;
      conveyors_->SetSpeed(conveyor_, belt_speed_);
      return Enter(Phase::kWaitCarton, now);
    }
    case Phase::kFull:
    case Phase::kFault: return;
  }
}

std::string Palletize::Status() const {
  const size_t per_layer = static_cast<size_t>(columns_ * rows_);
  const size_t layer = std::min(next_slot_ / per_layer + 1, static_cast<size_t>(layers_));
  std::string text = "palletized " + std::to_string(next_slot_) + " of " +
                     std::to_string(slots_.size()) + " slots (layer " + std::to_string(layer) +
                     " of " + std::to_string(layers_) + ")";
  if (phase_ == Phase::kFull) text += "; pallet full, conveyor stopped";
  if (missed_ > 0) text += "; " + std::to_string(missed_) + " picks missed";
  if (dropped_ > 0) text += "; " + std::to_string(dropped_) + " cartons dropped";
  if (retried_ > 0) text += "; " + std::to_string(retried_) + " picked off the pick point";
  if (jams_ > 0) text += "; " + std::to_string(jams_) + " jams";
  if (phase_ == Phase::kJammed) text += "; jammed: " + jam_;
  if (phase_ == Phase::kFault) text += "; stopped: " + fault_;
  return text;
}

}  // namespace

std::shared_ptr<Autopilot> MakePalletizeAutopilot(SiteWorld& site,
                                                  const scenes::AutopilotSpec& spec) {
  auto autopilot = std::make_shared<Palletize>(site, spec);
  site.world.AddPreStepHook("autopilot palletize",
                            [autopilot](const mjModel& m, mjData& d) { autopilot->Apply(m, d); });
  return autopilot;
}

}  // namespace twin::sim::internal
