#include <twin/bridge/frame_tree.h>
#include <twin/sim/site_world.h>

#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <string>

namespace {
using twin::bridge::FrameTransform;
using twin::bridge::FrameTree;

struct WorldPose {
  mjtNum pos[3] = {0, 0, 0};
  mjtNum quat[4] = {1, 0, 0, 0};
};

// Every frame's pose in `map`, by chaining the published transforms (as tf2 does).
std::map<std::string, WorldPose> Resolve(const std::vector<FrameTransform>& transforms) {
  std::map<std::string, const FrameTransform*> by_child;
  for (const FrameTransform& t : transforms) {
    INFO(t.child);
    CHECK(by_child.emplace(t.child, &t).second);  // one parent per frame
  }
  std::map<std::string, WorldPose> world{{"map", {}}};
  std::function<WorldPose(const std::string&, int)> resolve = [&](const std::string& frame,
                                                                  int depth) -> WorldPose {
    if (auto it = world.find(frame); it != world.end()) return it->second;
    INFO(frame);
    REQUIRE(depth < 64);  // no cycle
    REQUIRE(by_child.count(frame));
    const FrameTransform& t = *by_child.at(frame);
    const WorldPose parent = resolve(t.parent, depth + 1);
    WorldPose p;
    mjtNum local[3] = {t.translation[0], t.translation[1], t.translation[2]};
    mjtNum q[4] = {t.rotation[0], t.rotation[1], t.rotation[2], t.rotation[3]};
    mju_rotVecQuat(p.pos, local, parent.quat);
    mju_addTo3(p.pos, parent.pos);
    mju_mulQuat(p.quat, parent.quat, q);
    world[frame] = p;
    return p;
  };
  for (const FrameTransform& t : transforms) resolve(t.child, 0);
  return world;
}

void RequirePose(const WorldPose& got, const mjtNum* pos, const mjtNum* mat) {
  mjtNum got_mat[9];
  mju_quat2Mat(got_mat, got.quat);
  for (int i = 0; i < 3; ++i) CHECK(got.pos[i] == Approx(pos[i]).margin(1e-9));
  for (int i = 0; i < 9; ++i) CHECK(got_mat[i] == Approx(mat[i]).margin(1e-9));
}

std::vector<FrameTransform> All(const FrameTree& tree, const mjData& data) {
  std::vector<FrameTransform> all = tree.Static(data);
  for (FrameTransform& t : tree.Moving(data)) all.push_back(std::move(t));
  return all;
}
}  // namespace

TEST_CASE(
    "the warehouse's frames chain to MuJoCo's own poses of its robots and sensors while the "
    "AMRs drive",
    "[bridge][frames]") {
  twin::sim::WorldOptions options;
  options.log = [](const std::string&) {};
  auto site_world = twin::sim::LoadSiteWorld(TWIN_TWINS_DIR "/warehouse.yaml", options,
                                             std::nullopt, /*autopilot=*/false);
  const mjModel* m = site_world.world.model();
  mjData* d = site_world.world.data();
  std::vector<std::shared_ptr<const twin::sim::DiffDrive>> drives(site_world.amrs.begin(),
                                                                  site_world.amrs.end());
  const FrameTree tree(site_world.scene.site, *m, drives);
  site_world.world.Forward();
  const std::vector<FrameTransform> at_start = tree.Static(*d);

  site_world.amrs[0]->SetVelocity(0.8, 0.4);
  site_world.world.Step(1500);  // 3 s: wheel odometry has drifted from the truth by now
  const auto& site = site_world.scene.site;
  const auto world = Resolve(All(tree, *d));

  for (const auto& amr : site.amrs) {
    const int body = mj_name2id(m, mjOBJ_BODY, amr.entity.c_str());
    mjtNum mat[9];
    mju_quat2Mat(mat, d->xquat + 4 * body);
    INFO(amr.entity);
    RequirePose(world.at(amr.entity + "/base_link"), d->xpos + 3 * body, mat);
  }
  // odom -> base_link is the wheel odometry, not the truth.
  for (const FrameTransform& t : tree.Moving(*d))
    if (t.child == "amr1/base_link") {
      CHECK(t.translation[0] == Approx(site_world.amrs[0]->odometry().x));
      CHECK(t.translation[1] == Approx(site_world.amrs[0]->odometry().y));
    }
  for (const auto& lidar : site.lidars) {
    const int id = mj_name2id(m, mjOBJ_SITE, lidar.site.c_str());
    INFO(lidar.name);
    RequirePose(world.at(lidar.name), d->site_xpos + 3 * id, d->site_xmat + 9 * id);
  }
  for (const auto& cam : site.cameras) {
    const int id = mj_name2id(m, mjOBJ_CAMERA, cam.name.c_str());
    // Optical frame: x as MuJoCo's camera x, y and z the opposite of its y and z (it looks
    // along -z with y up).
    mjtNum optical[9];
    const mjtNum* c = d->cam_xmat + 9 * id;
    for (int r = 0; r < 3; ++r) {
      optical[3 * r] = c[3 * r];
      optical[3 * r + 1] = -c[3 * r + 1];
      optical[3 * r + 2] = -c[3 * r + 2];
    }
    INFO(cam.name);
    RequirePose(world.at(cam.name + "_optical_frame"), d->cam_xpos + 3 * id, optical);
  }
  // What was static at the start still is.
  const std::vector<FrameTransform> now = tree.Static(*d);
  REQUIRE(now.size() == at_start.size());
  for (size_t i = 0; i < now.size(); ++i) {
    INFO(now[i].child);
    for (int k = 0; k < 3; ++k) CHECK(now[i].translation[k] == Approx(at_start[i].translation[k]));
  }
}

TEST_CASE("the factory cell's arm links and IMU-free sensors chain to MuJoCo's body poses",
          "[bridge][frames]") {
  twin::sim::WorldOptions options;
  options.log = [](const std::string&) {};
  auto site_world = twin::sim::LoadSiteWorld(TWIN_TWINS_DIR "/factory_cell.yaml", options);
  const mjModel* m = site_world.world.model();
  mjData* d = site_world.world.data();
  const FrameTree tree(site_world.scene.site, *m);
  site_world.world.Step(1000);  // the autopilot moves the arm
  const auto world = Resolve(All(tree, *d));
  size_t links = 0;
  for (const auto& arm : site_world.scene.site.arms)
    for (int b = 1; b < m->nbody; ++b) {
      const std::string name = mj_id2name(m, mjOBJ_BODY, b) ? mj_id2name(m, mjOBJ_BODY, b) : "";
      if (name.rfind(arm.entity + "/", 0) != 0) continue;
      ++links;
      mjtNum mat[9];
      mju_quat2Mat(mat, d->xquat + 4 * b);
      INFO(name);
      REQUIRE(world.count(name));
      RequirePose(world.at(name), d->xpos + 3 * b, mat);
    }
  CHECK(links >= 6);
}
