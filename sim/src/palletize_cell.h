// The palletize autopilot's cell: its tunables, targets and the state machine's class. Internal to
// sim/src: autopilot_palletize_setup.cpp reads the layout and works out the geometry (pattern,
// reach, wrist calibration); autopilot_palletize.cpp runs the cell step by step.
#pragma once

#include <twin/base/error.h>
#include <twin/base/suggest.h>
#include <twin/sim/site_world.h>

#include <mujoco/mujoco.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <deque>
#include <functional>
#include <numbers>
#include <optional>
#include <sstream>

#include <string>
#include <vector>

#include "autopilot_palletize.h"

namespace twin::sim::internal::palletize {

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

inline double WrapToPi(double a) {
  return std::remainder(a, 2 * kPi);
}

inline double YawOf(const mjtNum* xmat) {
  return std::atan2(xmat[3], xmat[0]);
}

inline std::string Seconds(double t) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", t);
  return text;
}

inline std::string Fmt(double value) {
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
  // What changes while it runs (saved and restored with the world: sim/behaviour.h).
  struct State {
    Phase phase = Phase::kStart;
    double phase_start = 0, settle_start = -1, last_time = -1;
    bool moving = false;
    std::deque<std::pair<Target, double>> segments;
    Target commanded;  // where the last segment ends
    size_t next_slot = 0;
    int carton = -1;        // index into cartons_ being handled
    double grip_delta = 0;  // carton yaw minus tcp yaw, measured when gripped
    int missed = 0, dropped = 0, retried = 0, jams = 0;
    int attempts = 0;        // grips in a row that failed
    double near_since = -1;  // since when a carton lies near the pick point but none is ready
    int jam_carton = -1;     // the carton that jams the cell, and where it lay then
    Vec3 jam_at{};
    std::string fault, jam;
  };
  State SaveState() const { return state_; }
  void RestoreState(const State& state) { state_ = state; }

 private:
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

  State state_;
};

}  // namespace twin::sim::internal::palletize
