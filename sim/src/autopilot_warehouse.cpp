// The `warehouse` autopilot: AMRs patrol waypoint loops down the aisles, and a forklift moves a
// loaded pallet between two floor spots, back and forth.
//
// Patrols use each AMR's go-to-pose controller: at a waypoint the robot turns on the spot towards
// the next one, then drives straight, so a route laid down the middle of the aisles keeps it clear
// of the racks. The forklift follows straight legs with pure pursuit on its front-axle point (the
// kinematic centre of a rear-steered truck): to a pre-staging point 6 m in front of the pallet,
// then down the pallet's axis until the fork heels are 5 cm from it, lift, back out, to the other
// spot the same way, lower, back out. Every pose it acts on is the true pose from MuJoCo's state
// (what a localised truck with a pallet detector knows).
#include <twin/base/error.h>
#include <twin/base/suggest.h>
#include <twin/sim/autopilot.h>
#include <twin/sim/behaviour.h>
#include <twin/sim/site_world.h>

#include <mujoco/mujoco.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace twin::sim {
namespace {

// Forklift tunables.
constexpr double kStaging = 6.0;    // pre-staging point, m in front of the pallet's centre
constexpr double kRetreat = 3.5;    // where the truck backs out to, m from the pallet's centre
constexpr double kHeelGap = 0.05;   // fork heels to the pallet when the forks are in, m
constexpr double kLookahead = 1.2;  // pure pursuit, m
constexpr double kBraking = 0.6;    // planned deceleration, m/s^2 (the truck can do 1.0)
constexpr double kCreep = 0.05;     // m/s, the last centimetres
constexpr double kStopTolerance = 0.005;  // m, along the leg, for legs that end at a spot
constexpr double kPassTolerance = 0.3;    // m, for legs that only lead to the next one
constexpr double kEmptySpeed = 1.2, kLoadedSpeed = 0.7, kForkSpeed = 0.4;  // m/s

// Numbers from an autopilot parameter ("[1, 2, 3]" arrives as "1 2 3").
std::vector<double> Numbers(const scenes::AutopilotSpec& spec, const std::string& key) {
  std::vector<double> values;
  std::istringstream in(spec.Require(key).text);
  std::string word;
  while (in >> word) {
    char* end = nullptr;
    const double value = std::strtod(word.c_str(), &end);
    if (end == word.c_str() || *end != '\0' || !std::isfinite(value)) {
      spec.Fail(key, "'" + word + "' is not a number");
    }
    values.push_back(value);
  }
  return values;
}

Pose2d SpotParam(const scenes::AutopilotSpec& spec, const std::string& key) {
  const std::vector<double> v = Numbers(spec, key);
  if (v.size() != 3) {
    spec.Fail(key,
              "give the pallet's spot as [x, y, yaw]: its centre in metres and the heading "
              "of the forks going in, in degrees");
  }
  return {v[0], v[1], v[2] * M_PI / 180};
}

struct Patrol {
  std::shared_ptr<DiffDrive> drive;
  std::vector<Pose2d> waypoints;  // each facing the next one
};

// Where a patrol stands.
struct PatrolProgress {
  size_t next = 0;
  long reached = 0;
};

// A straight leg of the forklift: follow the line from `from` to `to`, forwards or backwards.
struct Leg {
  Pose2d from, to;
  bool reverse = false;
  double speed = 1;
  double tolerance = kStopTolerance;
};

class WarehouseAutopilot : public Autopilot {
 public:
  WarehouseAutopilot(SiteWorld& site, const scenes::AutopilotSpec& spec);

  std::string Status() const override;
  void Apply(const mjModel& model, mjData& data);

  enum class Phase { kStart, kApproach, kForksIn, kLift, kSettle, kBackOut, kDone };
  // What changes while it runs (saved and restored with the world: sim/behaviour.h).
  struct State {
    std::vector<PatrolProgress> patrols;
    int from = 0;  // the spot the pallet stands on (or was taken from)
    Phase phase = Phase::kStart;
    bool loaded = false;  // the pallet is on the forks
    Leg leg;
    double settle_until = 0;
    long moves = 0;
  };
  State SaveState() const { return state_; }
  void RestoreState(const State& state) { state_ = state; }

 private:
  void StepPatrols(const mjData& data);
  void StepForklift(mjData& data);
  bool FollowLeg(const mjData& data);  // steers along state_.leg; true once it is done
  void Approach(const mjData& data);   // starts the leg to the staging point of Target()
  Pose2d PalletPose(const mjData& data) const;
  Pose2d ForksInPose(const Pose2d& pallet) const;
  Pose2d Target(const mjData& data) const;
  static const char* PhaseName(Phase phase);

  std::vector<Patrol> patrols_;

  std::shared_ptr<ForkliftDrive> forklift_;  // null without a forklift task
  std::string pallet_name_;
  int pallet_body_ = -1;
  Pose2d spots_[2];           // pick, place
  long cycles_ = 0;           // 0: back and forth for ever
  double heel_x_ = 0;         // fork heels ahead of the truck's origin, m
  double pallet_half_ = 0.6;  // half the pallet's length along its axis, m
  double lift_gap_ = 0;       // fork lift that brings the tines up to the deck's underside, m
  double carry_ = 0.12;       // m the pallet is carried above the floor
  State state_;
};

WarehouseAutopilot::WarehouseAutopilot(SiteWorld& site, const scenes::AutopilotSpec& spec) {
  const scenes::Site& s = site.scene.site;
  std::vector<std::string> amr_names;
  for (const auto& drive : site.amrs) amr_names.push_back(drive->name());

  for (const auto& [key, value] : spec.params) {
    static const std::vector<std::string> kKeys = {"forklift", "pallet", "pick",
                                                   "place",    "cycles", "carry_height"};
    if (key.rfind("patrol_", 0) == 0) {
      const std::string amr = key.substr(7);
      auto it = std::find(amr_names.begin(), amr_names.end(), amr);
      if (it == amr_names.end()) {
        spec.Fail(key, "no AMR named '" + amr + "'" + base::DidYouMean(amr, amr_names) +
                           "; a patrol is patrol_<AMR name>: [x0, y0, x1, y1, ...]");
      }
      const std::vector<double> v = Numbers(spec, key);
      if (v.size() < 4 || v.size() % 2 != 0) {
        spec.Fail(key,
                  "give the patrol as at least two waypoints, [x0, y0, x1, y1, ...] in metres");
      }
      Patrol patrol{site.amrs[it - amr_names.begin()], {}};
      const size_t n = v.size() / 2;
      for (size_t i = 0; i < n; ++i) {
        const size_t j = (i + 1) % n;
        if (std::hypot(v[2 * j] - v[2 * i], v[2 * j + 1] - v[2 * i + 1]) < 0.1) {
          spec.Fail(key, "waypoints " + std::to_string(i + 1) + " and " + std::to_string(j + 1) +
                             " are less than 0.1 m apart");
        }
        patrol.waypoints.push_back(
            {v[2 * i], v[2 * i + 1], std::atan2(v[2 * j + 1] - v[2 * i + 1], v[2 * j] - v[2 * i])});
      }
      patrols_.push_back(std::move(patrol));
      state_.patrols.emplace_back();
    } else if (std::find(kKeys.begin(), kKeys.end(), key) == kKeys.end()) {
      std::vector<std::string> known = kKeys;
      for (const std::string& amr : amr_names) known.push_back("patrol_" + amr);
      spec.Fail(key, "unknown key '" + key + "' for the warehouse autopilot" +
                         base::DidYouMean(key, known) +
                         "; the keys are forklift, pallet, pick, place, "
                         "cycles, carry_height and patrol_<AMR name>");
    }
  }

  if (spec.params.count("forklift")) {
    const std::string& name = spec.Require("forklift").text;
    std::vector<std::string> names;
    for (const auto& drive : site.forklifts) {
      if (drive->name() == name) forklift_ = drive;
      names.push_back(drive->name());
    }
    if (!forklift_)
      spec.Fail("forklift", "no forklift named '" + name + "'" + base::DidYouMean(name, names));
    pallet_name_ = spec.Require("pallet").text;
    const scenes::Entity* pallet = s.FindEntity(pallet_name_);
    if (!pallet || pallet->type != "pallet") {
      std::vector<std::string> pallets;
      for (const scenes::Entity& e : s.entities) {
        if (e.type == "pallet") pallets.push_back(e.name);
      }
      spec.Fail("pallet",
                "no pallet named '" + pallet_name_ + "'" + base::DidYouMean(pallet_name_, pallets));
    }
    if (!pallet->dynamic) {
      spec.Fail("pallet", "pallet '" + pallet_name_ +
                              "' is fixed: a forklift can only move a "
                              "loose pallet (remove `fixed: true`)");
    }
    spots_[0] = SpotParam(spec, "pick");
    spots_[1] = SpotParam(spec, "place");
    if (std::hypot(spots_[0].x - spots_[1].x, spots_[0].y - spots_[1].y) < 1.5) {
      spec.Fail("place", "the place spot must be at least 1.5 m from the pick spot");
    }
    if (spec.params.count("cycles")) {
      const std::vector<double> v = Numbers(spec, "cycles");
      if (v.size() != 1 || v[0] < 0 || v[0] != std::floor(v[0])) {
        spec.Fail("cycles", "cycles is a whole number of moves (0: back and forth for ever)");
      }
      cycles_ = static_cast<long>(v[0]);
    }
    if (spec.params.count("carry_height")) {
      const std::vector<double> v = Numbers(spec, "carry_height");
      if (v.size() != 1 || v[0] < 0.02 || v[0] > 1.0) {
        spec.Fail("carry_height", "carry_height is between 0.02 and 1 m");
      }
      carry_ = v[0];
    }
    if (pallet->parameters.count("length")) pallet_half_ = pallet->parameters.at("length") / 2;

    // Fork and pallet geometry, from the model's own kinematics at its initial state.
    const mjModel* m = site.world.model();
    pallet_body_ = site.world.BodyId(pallet_name_);
    const int truck = site.world.BodyId(forklift_->name());
    const std::string shank_name = forklift_->name() + "/fork_left_shank";
    const std::string tine_name = forklift_->name() + "/fork_left";
    const std::string deck_name = pallet_name_ + "/deck";
    const int shank = mj_name2id(m, mjOBJ_GEOM, shank_name.c_str());
    const int tine = mj_name2id(m, mjOBJ_GEOM, tine_name.c_str());
    const int deck = mj_name2id(m, mjOBJ_GEOM, deck_name.c_str());
    if (shank < 0 || tine < 0 || deck < 0) {
      throw base::Error(spec.where + ": the forklift or pallet model lacks its fork or deck geoms");
    }
    mjData* scratch = mj_makeData(m);
    mj_kinematics(m, scratch);
    const double* tx = scratch->xpos + 3 * truck;
    const double* r = scratch->xmat + 9 * truck;  // the truck's x axis is column 0
    const double* g = scratch->geom_xpos + 3 * shank;
    heel_x_ = (g[0] - tx[0]) * r[0] + (g[1] - tx[1]) * r[3] + m->geom_size[3 * shank];
    const double tine_top = scratch->geom_xpos[3 * tine + 2] + m->geom_size[3 * tine + 2];
    const double deck_bottom = scratch->geom_xpos[3 * deck + 2] - m->geom_size[3 * deck + 2];
    const double pallet_z = scratch->xpos[3 * pallet_body_ + 2];
    const double truck_z = tx[2];
    mj_deleteData(scratch);
    // The tines' top rises by the lift; the deck's underside stands this far above the floor.
    lift_gap_ = (deck_bottom - pallet_z) - (tine_top - truck_z);
    if (lift_gap_ <= 0)
      throw base::Error(spec.where + ": the forks do not fit under the pallet's deck");
  } else {
    for (const char* key : {"pallet", "pick", "place", "cycles", "carry_height"}) {
      if (spec.params.count(key)) {
        spec.Fail(key, std::string("'") + key + "' belongs to a forklift task: add forklift: NAME");
      }
    }
  }
  if (patrols_.empty() && !forklift_) {
    throw base::Error(spec.where +
                      ": the warehouse autopilot has nothing to do: give patrol_<AMR name> "
                      "waypoints or a forklift task (forklift, pallet, pick, place)");
  }
}

void WarehouseAutopilot::Apply(const mjModel&, mjData& data) {
  if (!enabled()) return;
  StepPatrols(data);
  if (forklift_) StepForklift(data);
}

void WarehouseAutopilot::StepPatrols(const mjData&) {
  for (size_t i = 0; i < patrols_.size(); ++i) {
    const Patrol& patrol = patrols_[i];
    PatrolProgress& progress = state_.patrols[i];
    DiffDrive& drive = *patrol.drive;
    if (drive.goal_active() && !drive.goal_reached()) continue;
    if (drive.goal_reached()) {
      ++progress.reached;
      progress.next = (progress.next + 1) % patrol.waypoints.size();
    }
    drive.GoTo(patrol.waypoints[progress.next], 0.05, 0.05);
  }
}

Pose2d WarehouseAutopilot::PalletPose(const mjData& data) const {
  const double* p = data.xpos + 3 * pallet_body_;
  const double* r = data.xmat + 9 * pallet_body_;
  return {p[0], p[1], std::atan2(r[3], r[0])};
}

// Where the truck's origin stands with its forks in a pallet centred at `pallet`, the forks
// heading `pallet.yaw`.
Pose2d WarehouseAutopilot::ForksInPose(const Pose2d& pallet) const {
  const double back = heel_x_ + kHeelGap + pallet_half_;
  return {pallet.x - back * std::cos(pallet.yaw), pallet.y - back * std::sin(pallet.yaw),
          pallet.yaw};
}

// A point `distance` m in front of `spot`, against the forks' heading.
Pose2d InFront(const Pose2d& spot, double distance) {
  return {spot.x - distance * std::cos(spot.yaw), spot.y - distance * std::sin(spot.yaw), spot.yaw};
}

// The spot the forklift works at now: where the pallet really is when picking it (as a pallet
// detector would see it), the place spot when carrying it.
Pose2d WarehouseAutopilot::Target(const mjData& data) const {
  if (state_.loaded) return spots_[1 - state_.from];
  const Pose2d pallet = PalletPose(data);
  return {pallet.x, pallet.y, spots_[state_.from].yaw};
}

void WarehouseAutopilot::Approach(const mjData& data) {
  const Pose2d truck = forklift_->Pose(data);
  const Pose2d staging = InFront(Target(data), kStaging);
  // Forwards to a point ahead, backwards to one behind.
  const double bearing = std::atan2(staging.y - truck.y, staging.x - truck.x);
  const bool reverse = std::cos(bearing - truck.yaw) < 0;
  state_.leg = {truck, staging, reverse, state_.loaded ? kLoadedSpeed : kEmptySpeed,
                kPassTolerance};
  state_.phase = Phase::kApproach;
}

bool WarehouseAutopilot::FollowLeg(const mjData& data) {
  const Pose2d truck = forklift_->Pose(data);
  const double dx = state_.leg.to.x - state_.leg.from.x, dy = state_.leg.to.y - state_.leg.from.y;
  const double length = std::max(std::hypot(dx, dy), 1e-9);
  const double ux = dx / length, uy = dy / length;
  const double along = (truck.x - state_.leg.from.x) * ux + (truck.y - state_.leg.from.y) * uy;
  const double remaining = length - along;
  if (remaining <= state_.leg.tolerance) {
    forklift_->SetSpeed(0);
    return true;
  }
  // Pure pursuit of the point one lookahead ahead on the line (extended beyond its end).
  const double s = along + kLookahead;
  const double gx = state_.leg.from.x + s * ux, gy = state_.leg.from.y + s * uy;
  const double travel = truck.yaw + (state_.leg.reverse ? M_PI : 0);
  const double alpha = WrapAngle(std::atan2(gy - truck.y, gx - truck.x) - travel);
  // Curvature of the path travelled (heading change per metre); a point behind turns hard.
  const double curvature =
      std::cos(alpha) < 0 ? (alpha > 0 ? 2 : -2) / kLookahead : 2 * std::sin(alpha) / kLookahead;
  // Yaw rate = -v tan(steer) / wheelbase: forwards steer = atan(-kappa L), backwards atan(kappa L).
  const double steer =
      std::atan((state_.leg.reverse ? 1 : -1) * curvature * forklift_->spec().wheelbase);
  forklift_->SetSteer(steer);
  // Slow while the rear wheel is still far from its angle; brake in time for the leg's end.
  const double steer_error = std::abs(forklift_->SteerAngle(data) - steer);
  double speed = std::min(state_.leg.speed, std::sqrt(2 * kBraking * remaining));
  speed *= std::clamp(1.0 - steer_error, 0.2, 1.0);
  speed = std::max(speed, kCreep);
  forklift_->SetSpeed(state_.leg.reverse ? -speed : speed);
  return false;
}

void WarehouseAutopilot::StepForklift(mjData& data) {
  ForkliftDrive& truck = *forklift_;
  switch (state_.phase) {
    case Phase::kStart: Approach(data); break;
    case Phase::kApproach:
      if (FollowLeg(data)) {
        // Down the spot's axis from the staging point to where the forks are in.
        const Pose2d target = Target(data);
        state_.leg = {InFront(target, kStaging), ForksInPose(target), false,
                      state_.loaded ? kLoadedSpeed : kForkSpeed, kStopTolerance};
        state_.phase = Phase::kForksIn;
      }
      break;
    case Phase::kForksIn:
      if (FollowLeg(data)) {
        truck.SetLift(state_.loaded ? 0 : lift_gap_ + carry_);
        state_.phase = Phase::kLift;
      }
      break;
    case Phase::kLift:
      if (std::abs(truck.LiftHeight(data) - truck.lift_target()) < 0.005) {
        state_.settle_until = data.time + 0.5;
        state_.phase = Phase::kSettle;
      }
      break;
    case Phase::kSettle:
      if (data.time >= state_.settle_until) {
        // Straight back along the truck's heading, until the forks' origin is kRetreat m from
        // the pallet's centre.
        const Pose2d at = truck.Pose(data);
        const Pose2d pallet_centre = {at.x, at.y, at.yaw + M_PI};
        const double back = kRetreat - (heel_x_ + kHeelGap + pallet_half_);
        state_.leg = {at, InFront(pallet_centre, -back), true,
                      state_.loaded ? kForkSpeed : kLoadedSpeed, kStopTolerance};
        state_.phase = Phase::kBackOut;
      }
      break;
    case Phase::kBackOut:
      if (FollowLeg(data)) {
        if (state_.loaded) {  // set down: the move is done
          state_.loaded = false;
          state_.from = 1 - state_.from;
          ++state_.moves;
          if (cycles_ > 0 && state_.moves >= cycles_) {
            truck.SetSteer(0);
            state_.phase = Phase::kDone;
            break;
          }
        } else {
          state_.loaded = true;
        }
        Approach(data);
      }
      break;
    case Phase::kDone: break;
  }
}

const char* WarehouseAutopilot::PhaseName(Phase phase) {
  switch (phase) {
    case Phase::kStart:
    case Phase::kApproach: return "driving";
    case Phase::kForksIn: return "forks in";
    case Phase::kLift: return "lifting or lowering";
    case Phase::kSettle: return "settling";
    case Phase::kBackOut: return "backing out";
    case Phase::kDone: return "done";
  }
  return "";
}

std::string WarehouseAutopilot::Status() const {
  std::ostringstream out;
  long reached = 0;
  for (const PatrolProgress& progress : state_.patrols) reached += progress.reached;
  if (!patrols_.empty()) {
    out << patrols_.size() << (patrols_.size() == 1 ? " AMR" : " AMRs") << " patrolling ("
        << reached << (reached == 1 ? " waypoint" : " waypoints") << " reached)";
  }
  if (forklift_) {
    if (!patrols_.empty()) out << ", ";
    out << "forklift " << forklift_->name() << ": moved pallet " << pallet_name_ << " "
        << state_.moves << (state_.moves == 1 ? " time" : " times");
    if (state_.phase == Phase::kDone) {
      out << ", done (cycles: " << cycles_ << ")";
    } else {
      out << " (now " << (state_.loaded ? "carrying it, " : "") << PhaseName(state_.phase) << ")";
    }
  }
  return out.str();
}

}  // namespace

std::shared_ptr<Autopilot> MakeWarehouseAutopilot(SiteWorld& site,
                                                  const scenes::AutopilotSpec& spec) {
  auto autopilot = std::make_shared<WarehouseAutopilot>(site, spec);
  AttachBehaviour(site.world, "autopilot", autopilot);
  return autopilot;
}

}  // namespace twin::sim
