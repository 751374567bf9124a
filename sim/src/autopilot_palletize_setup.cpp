// The palletize cell's set-up: parameters from the layout, the pattern of slots, the reach check
// and the wrist calibration.
#include <twin/base/suggest.h>

#include "palletize_cell.h"

namespace twin::sim::internal::palletize {

Palletize::Palletize(SiteWorld& site, const scenes::AutopilotSpec& spec) : spec_(spec) {
  const scenes::Site& s = site.scene.site;
  const World& world = site.world;
  static const std::vector<std::string> kKeys = {"arm",        "gripper",   "conveyor",
                                                 "beam_break", "pallet",    "pattern",
                                                 "gap",        "clearance", "release_height"};
  for (const auto& [key, value] : spec.params) {
    if (std::find(kKeys.begin(), kKeys.end(), key) == kKeys.end()) {
      spec.Fail(key, "unknown key '" + key + "' for autopilot 'palletize'" +
                         base::UnknownNameHint(key, kKeys, "; allowed here: "));
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
    spec.Fail(key, "the site has no " + what + " named '" + name + "'" +
                       (names.empty() ? "; it has none"
                                      : base::UnknownNameHint(name, names, "; it has: ")));
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
    throw base::Error(spec.where +
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

}  // namespace twin::sim::internal::palletize
