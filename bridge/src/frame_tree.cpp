#include <twin/bridge/frame_tree.h>

#include <twin/base/error.h>
#include <twin/render/camera_pose.h>

#include <cmath>

namespace twin::bridge {

namespace {
const std::string kMap = "map";

struct Pose {
  mjtNum pos[3] = {0, 0, 0};
  mjtNum quat[4] = {1, 0, 0, 0};
};

Pose BodyPose(const mjData& d, int body) {
  Pose p;
  mju_copy3(p.pos, d.xpos + 3 * body);
  mju_copy4(p.quat, d.xquat + 4 * body);
  return p;
}

Pose FromMat(const mjtNum* pos, const mjtNum* mat) {
  Pose p;
  mju_copy3(p.pos, pos);
  mju_mat2Quat(p.quat, mat);
  return p;
}

// `child` in the frame of `parent`.
FrameTransform Relative(const std::string& parent_name, const std::string& child_name,
                        const Pose& parent, const Pose& child) {
  mjtNum inv[4], rel_quat[4], offset[3], rel_pos[3];
  mju_negQuat(inv, parent.quat);
  mju_mulQuat(rel_quat, inv, child.quat);
  mju_normalize4(rel_quat);
  mju_sub3(offset, child.pos, parent.pos);
  mju_rotVecQuat(rel_pos, offset, inv);
  FrameTransform t{parent_name, child_name, {}, {}};
  for (int i = 0; i < 3; ++i) t.translation[i] = rel_pos[i];
  for (int i = 0; i < 4; ++i) t.rotation[i] = rel_quat[i];
  return t;
}

Pose Planar(const sim::Pose2d& p) {
  Pose out;
  out.pos[0] = p.x;
  out.pos[1] = p.y;
  out.quat[0] = std::cos(p.yaw / 2);
  out.quat[3] = std::sin(p.yaw / 2);
  return out;
}

// `a` then `b`: the pose b expressed in a's parent frame.
Pose Compose(const Pose& a, const Pose& b) {
  Pose out;
  mju_rotVecQuat(out.pos, b.pos, a.quat);
  mju_addTo3(out.pos, a.pos);
  mju_mulQuat(out.quat, a.quat, b.quat);
  return out;
}

Pose Inverse(const Pose& p) {
  Pose out;
  mju_negQuat(out.quat, p.quat);
  mju_rotVecQuat(out.pos, p.pos, out.quat);
  mju_scl3(out.pos, out.pos, -1);
  return out;
}

int Find(const mjModel& m, mjtObj type, const std::string& name, const std::string& what) {
  const int id = mj_name2id(&m, type, name.c_str());
  if (id < 0) throw base::Error("the model has no " + what + " '" + name + "'");
  return id;
}
}  // namespace

FrameTree::FrameTree(const scenes::Site& site, const mjModel& model,
                     std::vector<std::shared_ptr<const sim::DiffDrive>> amrs)
    : model_(model), drives_(std::move(amrs)) {
  body_frames_[0] = kMap;
  auto add_robot = [&](const std::string& entity, const sim::DiffDrive* drive) {
    const int body = Find(model, mjOBJ_BODY, entity, "robot body");
    robot_of_body_[body] = static_cast<int>(robots_.size());
    robots_.push_back({body, drive});
    body_frames_[body] = entity + "/base_link";
    frames_.push_back({kMap, entity + "/odom", Source::kRobotOdom, body, robot_of_body_[body]});
    frames_.push_back(
        {entity + "/odom", entity + "/base_link", Source::kRobotBase, body, robot_of_body_[body]});
  };
  for (size_t i = 0; i < site.amrs.size(); ++i)
    add_robot(site.amrs[i].entity, i < drives_.size() ? drives_[i].get() : nullptr);
  for (const scenes::ForkliftSpec& f : site.forklifts) add_robot(f.entity, nullptr);

  for (const scenes::ArmSpec& arm : site.arms)
    for (int b = 1; b < model.nbody; ++b) {
      const char* name = mj_id2name(&model, mjOBJ_BODY, b);
      if (name && std::string(name).rfind(arm.entity + "/", 0) == 0) AddBody(b);
    }
  for (const scenes::CameraSpec& cam : site.cameras) {
    const int id = Find(model, mjOBJ_CAMERA, cam.name, "camera");
    const int body = model.cam_bodyid[id];
    AddBody(body);
    Frame f{body_frames_.at(body), cam.name + "_optical_frame", Source::kCamera, id};
    f.fixed = model.cam_mode[id] == mjCAMLIGHT_FIXED;
    frames_.push_back(f);
  }
  auto add_site = [&](const std::string& name) {
    const int id = Find(model, mjOBJ_SITE, name, "site");
    const int body = model.site_bodyid[id];
    AddBody(body);
    Frame f{body_frames_.at(body), name, Source::kSite, id};
    f.fixed = true;  // a site never moves in its body
    frames_.push_back(f);
  };
  for (const scenes::LidarSpec& l : site.lidars) add_site(l.site);
  for (const scenes::ImuSpec& imu : site.imus) add_site(imu.site);
}

void FrameTree::AddBody(int body) {
  if (body_frames_.count(body)) return;
  const int parent = model_.body_parentid[body];
  AddBody(parent);
  const char* name = mj_id2name(&model_, mjOBJ_BODY, body);
  body_frames_[body] = name ? name : "body" + std::to_string(body);
  Frame f{body_frames_.at(parent), body_frames_.at(body), Source::kBody, body};
  f.fixed = model_.body_jntnum[body] == 0 && model_.body_mocapid[body] < 0;
  frames_.push_back(f);
}

const std::string& FrameTree::BodyFrame(int body) const {
  return body_frames_.at(body);
}

FrameTransform FrameTree::Compute(const Frame& f, const mjData& d) const {
  switch (f.source) {
    case Source::kBody: {
      const int parent = model_.body_parentid[f.id];
      return Relative(f.parent, f.child, BodyPose(d, parent), BodyPose(d, f.id));
    }
    case Source::kRobotOdom:
    case Source::kRobotBase: {
      const Robot& robot = robots_[f.robot];
      const Pose truth = BodyPose(d, robot.body);
      const Pose odom_to_base = robot.drive ? Planar(robot.drive->odometry()) : truth;
      if (f.source == Source::kRobotBase) return Relative(f.parent, f.child, Pose{}, odom_to_base);
      // map -> odom = truth * (odom -> base)^-1, so that map -> odom -> base_link is the truth.
      return Relative(f.parent, f.child, Pose{}, Compose(truth, Inverse(odom_to_base)));
    }
    case Source::kCamera: {
      const render::CameraPose optical = render::OpenCvCameraPose(&d, f.id);
      const Pose cam = FromMat(optical.position.data(), optical.rotation.data());
      return Relative(f.parent, f.child, BodyPose(d, model_.cam_bodyid[f.id]), cam);
    }
    case Source::kSite: {
      const Pose site = FromMat(d.site_xpos + 3 * f.id, d.site_xmat + 9 * f.id);
      return Relative(f.parent, f.child, BodyPose(d, model_.site_bodyid[f.id]), site);
    }
  }
  return {};
}

std::vector<FrameTransform> FrameTree::Static(const mjData& data) const {
  std::vector<FrameTransform> out;
  for (const Frame& f : frames_)
    if (f.fixed) out.push_back(Compute(f, data));
  return out;
}

std::vector<FrameTransform> FrameTree::Moving(const mjData& data) const {
  std::vector<FrameTransform> out;
  for (const Frame& f : frames_)
    if (!f.fixed) out.push_back(Compute(f, data));
  return out;
}

}  // namespace twin::bridge
