// The layout document: parsing a file and the layouts it includes once, and the typed view of
// what they hold (layout_document.h).
#include <twin/base/error.h>
#include <twin/scenes/layout_document.h>

#include "layout_node.h"
#include "layout_parts.h"
#include "layout_store.h"

#include <cmath>
#include <filesystem>

namespace twin::scenes {
namespace fs = std::filesystem;

namespace internal {

const StoredFile* LayoutStore::Find(const std::string& absolute) const {
  for (const StoredFile& f : files) {
    if (f.absolute == absolute) return &f;
  }
  return nullptr;
}

LayoutStore LayoutStore::DeepCopy() const {
  LayoutStore copy = *this;
  // reset, not operator=: YAML::Node's assignment would write the clone into the shared original.
  for (StoredFile& f : copy.files) f.root.reset(YAML::Clone(f.root));
  return copy;
}

namespace {

// Parses the layouts `root` includes (and theirs), as the loader will meet them; what the loader
// would refuse before reading a file is left for it to report.
void StoreIncludes(LayoutStore& store, const YAML::Node& root, const std::string& base_dir,
                   std::vector<std::string>& stack) {
  if (!root.IsMap()) return;
  const YAML::Node list = root["include"];
  if (!list || !list.IsSequence()) return;
  for (const YAML::Node& include : list) {
    if (!include.IsMap()) continue;
    const YAML::Node file = include["file"];
    if (!file || !file.IsScalar()) continue;
    const fs::path path = (fs::path(base_dir) / file.Scalar()).lexically_normal();
    const std::string ext = path.extension().string();
    std::error_code ec;
    if ((ext != ".yaml" && ext != ".yml") || !fs::is_regular_file(path, ec)) continue;
    const std::string absolute = fs::absolute(path).string();
    if (std::find(stack.begin(), stack.end(), absolute) != stack.end()) continue;
    if (store.Find(absolute)) continue;
    StoredFile stored{path.string(), absolute, path.parent_path().string(), YAML::Node(), ""};
    try {
      stored.root.reset(ParseLayoutFile(path.string()).yaml());
    } catch (const base::Error& e) {
      stored.error = e.what();
    }
    store.files.push_back(stored);
    if (!stored.error.empty()) continue;
    stack.push_back(absolute);
    StoreIncludes(store, stored.root, stored.base_dir, stack);
    stack.pop_back();
  }
}

// ---- The typed view -------------------------------------------------------------------------

SourceRef RefOf(const YAML::Node& node, const std::string& file, const std::string& path) {
  const YAML::Mark mark = node.Mark();
  if (mark.line < 0) return {file, 0, 0, path};
  return {file, mark.line + 1, mark.column + 1, path};
}

std::string Join(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

std::optional<double> NumberOf(const YAML::Node& node) {
  double value = 0;
  if (!node.IsDefined() || !node.IsScalar() || !YAML::convert<double>::decode(node, value) ||
      !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::optional<std::vector<double>> NumbersOf(const YAML::Node& node) {
  if (!node.IsDefined() || !node.IsSequence()) return std::nullopt;
  std::vector<double> out;
  for (const YAML::Node& element : node) {
    const auto number = NumberOf(element);
    if (!number) return std::nullopt;
    out.push_back(*number);
  }
  return out;
}

// The value as written, typed by its param when it reads as that type (else left empty).
schema::Value::Data TypedData(const schema::Param* p, const YAML::Node& node) {
  using schema::Type;
  if (!p) return node.IsScalar() ? schema::Value::Data(node.Scalar()) : schema::Value::Data();
  switch (p->type) {
    case Type::kNumber:
    case Type::kInteger:
      if (const auto number = NumberOf(node)) return *number;
      break;
    case Type::kBool: {
      bool value = false;
      if (node.IsScalar() && YAML::convert<bool>::decode(node, value)) return value;
      break;
    }
    case Type::kEnum:
    case Type::kString:
    case Type::kName:
      if (node.IsScalar()) return node.Scalar();
      break;
    case Type::kPerJoint:
      if (const auto number = NumberOf(node)) return *number;
      [[fallthrough]];
    case Type::kVector:
    case Type::kNumbers:
    case Type::kInterval:
      if (const auto numbers = NumbersOf(node)) return *numbers;
      break;
    default: break;
  }
  return {};
}

LayoutValue ValueOf(const schema::Block* block, const std::string& key, const YAML::Node& node,
                    const std::string& file, const std::string& path) {
  const schema::Param* p = block ? block->Find(key) : nullptr;
  LayoutValue value{key, {}, RefOf(node, file, path)};
  value.value.data = TypedData(p, node);
  value.value.at = {file, value.at.line, value.at.column};
  return value;
}

std::string TextOf(const YAML::Node& map, const std::string& key) {
  const YAML::Node value = map[key];
  return value && value.IsScalar() ? value.Scalar() : std::string();
}

std::optional<LayoutPose> PoseOf(const YAML::Node& map, const std::string& file,
                                 const std::string& path) {
  const YAML::Node node = map["pose"];
  if (!node || node.IsNull()) return std::nullopt;
  LayoutPose pose;
  pose.at = RefOf(node, file, Join(path, "pose"));
  if (!node.IsMap()) return pose;
  if (const auto v = NumbersOf(node["position"])) pose.position = *v;
  pose.yaw = NumberOf(node["yaw"]);
  if (const auto v = NumbersOf(node["rpy"])) pose.rpy = *v;
  if (const auto v = NumbersOf(node["quaternion"])) pose.quaternion = *v;
  return pose;
}

// The keys of `map` other than `skip`, typed by `block`, in file order.
std::vector<LayoutValue> ValuesOf(const YAML::Node& map, const schema::Block* block,
                                  const std::vector<std::string>& skip, const std::string& file,
                                  const std::string& path) {
  std::vector<LayoutValue> out;
  if (!map.IsMap()) return out;
  for (const auto& kv : map) {
    if (!kv.first.IsScalar()) continue;
    const std::string key = kv.first.Scalar();
    if (std::find(skip.begin(), skip.end(), key) != skip.end()) continue;
    out.push_back(ValueOf(block, key, kv.second, file, Join(path, key)));
  }
  return out;
}

LayoutItem ItemOf(const YAML::Node& node, const std::string& file, const std::string& path) {
  LayoutItem item;
  item.at = RefOf(node, file, path);
  if (!node.IsMap()) return item;
  item.type = TextOf(node, "type");
  item.name = TextOf(node, "name");
  item.parent = TextOf(node, "parent");
  item.class_name = TextOf(node, "class");
  item.pose = PoseOf(node, file, path);
  const schema::Block* block = schema::ItemBlock(item.type);
  item.parameters =
      ValuesOf(node, block, {"type", "name", "parent", "class", "pose", "randomize"}, file, path);
  const YAML::Node randomize = node["randomize"];
  if (randomize && randomize.IsMap()) {
    static const schema::Param kRange{.key = "range", .type = schema::Type::kInterval};
    for (const auto& kv : randomize) {
      if (!kv.first.IsScalar()) continue;
      const std::string key = kv.first.Scalar();
      LayoutValue range{key, {}, RefOf(kv.second, file, Join(path, "randomize." + key))};
      range.value.data = TypedData(&kRange, kv.second);
      range.value.at = {file, range.at.line, range.at.column};
      item.randomize.push_back(range);
    }
  }
  return item;
}

LayoutEntry EntryOf(const std::string& type, const schema::Block* block, const YAML::Node& node,
                    const std::string& file, const std::string& path) {
  LayoutEntry entry;
  entry.type = type;
  entry.at = RefOf(node, file, path);
  if (!node.IsMap()) return entry;
  entry.name = TextOf(node, "name");
  entry.mount = TextOf(node, "mount");
  entry.pose = PoseOf(node, file, path);
  entry.parameters = ValuesOf(node, block, {"name", "mount", "pose"}, file, path);
  return entry;
}

const schema::Block* BlockOf(const schema::Block& block, const std::string& key) {
  const schema::Param* p = block.Find(key);
  return p ? p->block : nullptr;
}

LayoutSection SectionOf(const YAML::Node& root, const std::string& key, const std::string& file) {
  LayoutSection section;
  const YAML::Node node = root[key];
  if (!node || node.IsNull()) return section;
  section.present = true;
  section.at = RefOf(node, file, key);
  section.values = ValuesOf(node, BlockOf(schema::LayoutRoot(), key), {}, file, key);
  return section;
}

LayoutFile FileOf(const LayoutStore& store, const StoredFile& stored) {
  LayoutFile out;
  out.path = stored.shown;
  const YAML::Node& root = stored.root;
  if (!stored.error.empty() || !root.IsMap()) return out;
  const std::string& file = stored.shown;
  if (const YAML::Node list = root["equipment"]; list && list.IsSequence()) {
    for (size_t i = 0; i < list.size(); ++i) {
      out.items.push_back(ItemOf(list[i], file, "equipment[" + std::to_string(i) + "]"));
    }
  }
  if (const YAML::Node list = root["include"]; list && list.IsSequence()) {
    for (size_t i = 0; i < list.size(); ++i) {
      const YAML::Node node = list[i];
      const std::string path = "include[" + std::to_string(i) + "]";
      LayoutInclude include;
      include.at = RefOf(node, file, path);
      if (node.IsMap()) {
        include.file = TextOf(node, "file");
        include.prefix = TextOf(node, "prefix");
        include.pose = PoseOf(node, file, path);
        const fs::path resolved = (fs::path(stored.base_dir) / include.file).lexically_normal();
        if (const StoredFile* f = store.Find(fs::absolute(resolved).string())) {
          include.document = static_cast<int>(f - store.files.data());
        }
      }
      out.includes.push_back(include);
    }
  }
  const schema::Block* sensors = BlockOf(schema::LayoutRoot(), "sensors");
  if (const YAML::Node node = root["sensors"]; node && node.IsMap() && sensors) {
    const std::pair<const char*, const char*> kinds[] = {
        {"cameras", "camera"}, {"lidars", "lidar"}, {"imus", "imu"}, {"beam_breaks", "beam_break"}};
    for (const auto& [key, type] : kinds) {
      const YAML::Node list = node[key];
      if (!list || !list.IsSequence()) continue;
      for (size_t i = 0; i < list.size(); ++i) {
        out.sensors.push_back(
            EntryOf(type, BlockOf(*sensors, key), list[i], file,
                    std::string("sensors.") + key + "[" + std::to_string(i) + "]"));
      }
    }
  }
  if (const YAML::Node list = root["lights"]; list && list.IsSequence()) {
    for (size_t i = 0; i < list.size(); ++i) {
      out.lights.push_back(EntryOf("light", BlockOf(schema::LayoutRoot(), "lights"), list[i], file,
                                   "lights[" + std::to_string(i) + "]"));
    }
  }
  out.site = SectionOf(root, "site", file);
  out.randomize = SectionOf(root, "randomize", file);
  out.autopilot = SectionOf(root, "autopilot", file);
  out.bridge = SectionOf(root, "bridge", file);
  return out;
}

}  // namespace
}  // namespace internal

Pose LayoutPose::Resolved() const {
  Pose pose;
  if (position.size() == 3) pose.position = {position[0], position[1], position[2]};
  if (yaw) pose.orientation = QuatFromYawDeg(*yaw);
  if (rpy.size() == 3) pose.orientation = QuatFromRpyDeg({rpy[0], rpy[1], rpy[2]});
  if (quaternion.size() == 4) {
    Quat q{quaternion[0], quaternion[1], quaternion[2], quaternion[3]};
    const double norm = std::sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
    if (norm > 1e-9) {
      for (double& c : q) c /= norm;
      pose.orientation = q;
    }
  }
  return pose;
}

Layout::Layout() : store_(std::make_unique<internal::LayoutStore>()) {}
Layout::~Layout() = default;
Layout::Layout(const Layout& other)
    : store_(std::make_unique<internal::LayoutStore>(other.store_->DeepCopy())),
      files_(other.files_) {}
Layout& Layout::operator=(const Layout& other) {
  if (this != &other) {
    store_ = std::make_unique<internal::LayoutStore>(other.store_->DeepCopy());
    files_ = other.files_;
  }
  return *this;
}
Layout::Layout(Layout&&) noexcept = default;
Layout& Layout::operator=(Layout&&) noexcept = default;

const std::string& Layout::path() const {
  return store_->files.front().shown;
}

const std::string& Layout::base_dir() const {
  return store_->files.front().base_dir;
}

std::string Layout::Dump(size_t file) const {
  return YAML::Dump(store_->files.at(file).root);
}

bool Layout::operator==(const Layout& other) const {
  if (store_->files.size() != other.store_->files.size()) return false;
  for (size_t i = 0; i < store_->files.size(); ++i) {
    const internal::StoredFile& a = store_->files[i];
    const internal::StoredFile& b = other.store_->files[i];
    if (a.shown != b.shown || a.error != b.error || Dump(i) != other.Dump(i)) return false;
  }
  return true;
}

void Layout::Reindex() {
  files_.clear();
  for (const internal::StoredFile& f : store_->files)
    files_.push_back(internal::FileOf(*store_, f));
}

Layout ParseLayoutDocument(const std::string& text, const std::string& shown,
                           const std::string& base_dir) {
  Layout layout;
  internal::StoredFile top{shown, fs::absolute(shown).string(), base_dir,
                           internal::ParseLayoutText(text, shown).yaml(), ""};
  layout.store().files.push_back(top);
  std::vector<std::string> stack{top.absolute};
  internal::StoreIncludes(layout.store(), top.root, base_dir, stack);
  layout.Reindex();
  return layout;
}

Layout LoadLayoutDocument(const std::string& path) {
  return ParseLayoutDocument(internal::ReadLayoutFileText(path), path,
                             fs::absolute(path).parent_path().string());
}

}  // namespace twin::scenes
