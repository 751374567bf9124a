#include "layout_node.h"

#include "layout_schema_tables.h"

#include <twin/base/error.h>
#include <twin/base/suggest.h>

#include <cmath>
#include <fstream>
#include <sstream>

namespace twin::scenes::internal {
namespace {

std::string Quoted(const std::string& s) {
  return "'" + s + "'";
}

std::string Describe(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "nothing";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a mapping";
  return Quoted(node.Scalar());
}

}  // namespace

LayoutNode::LayoutNode(YAML::Node node, std::string file)
    : LayoutNode(std::move(node), std::make_shared<const std::string>(std::move(file)), "") {}

LayoutNode::LayoutNode(YAML::Node node, std::shared_ptr<const std::string> file, std::string path)
    : node_(std::move(node)),
      file_(std::move(file)),
      path_(std::move(path)),
      known_keys_(std::make_shared<std::set<std::string>>()) {}

int LayoutNode::line() const {
  const YAML::Mark mark = node_.Mark();
  return mark.line >= 0 ? mark.line + 1 : 0;
}

std::string LayoutNode::Where() const {
  const YAML::Mark mark = node_.Mark();
  if (mark.line < 0) return *file_;
  return *file_ + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

namespace {

std::string ErrorText(const SourceRef& at, const std::string& message) {
  std::string where = at.file;
  if (at.line > 0) where += ":" + std::to_string(at.line) + ":" + std::to_string(at.column);
  return where + ": " + (at.path.empty() ? "" : at.path + ": ") + message;
}

}  // namespace

LayoutError::LayoutError(SourceRef at, std::string message)
    : base::Error(ErrorText(at, message)), at_(std::move(at)), message_(std::move(message)) {}

SourceRef LayoutNode::Ref() const {
  const YAML::Mark mark = node_.Mark();
  if (mark.line < 0) return {*file_, 0, 0, path_};
  return {*file_, mark.line + 1, mark.column + 1, path_};
}

void LayoutNode::Fail(const std::string& message) const {
  throw LayoutError(Ref(), message);
}

void LayoutNode::ExpectMap(const std::string& what) const {
  if (!node_.IsMap())
    Fail("expected " + what + " (a mapping of key: value), got " + Describe(node_));
}

void LayoutNode::Declare(const std::string& key) const {
  if (block_) Param(key);
  known_keys_->insert(key);
}

bool LayoutNode::Has(const std::string& key) const {
  if (block_) Param(key);
  return node_.IsMap() && node_[key].IsDefined() && !node_[key].IsNull();
}

LayoutNode LayoutNode::ChildAt(const std::string& key) const {
  LayoutNode child(node_[key], file_, path_.empty() ? key : path_ + "." + key);
  if (block_) {
    const schema::Param* p = block_->Find(key);
    if (p && p->type == schema::Type::kBlock) child.block_ = p->block;
    if (p && p->type == schema::Type::kBlockList) child.items_block_ = p->block;
  }
  return child;
}

LayoutNode LayoutNode::Required(const std::string& key) const {
  Declare(key);
  if (!Has(key)) Fail("missing key '" + key + "'");
  return ChildAt(key);
}

std::string LayoutNode::KeyText(const YAML::Node& key) const {
  if (!key.IsScalar())
    LayoutNode(key, file_, path_).Fail("a key must be a plain name, got " + Describe(key));
  return key.Scalar();
}

std::optional<LayoutNode> LayoutNode::Optional(const std::string& key) const {
  Declare(key);
  if (!Has(key)) return std::nullopt;
  return ChildAt(key);
}

std::vector<LayoutNode> LayoutNode::Items(const std::string& what) const {
  if (!node_.IsSequence()) Fail("expected a list of " + what + ", got " + Describe(node_));
  std::vector<LayoutNode> items;
  for (size_t i = 0; i < node_.size(); ++i) {
    items.push_back(LayoutNode(node_[i], file_, path_ + "[" + std::to_string(i) + "]"));
    items.back().block_ = items_block_;
  }
  return items;
}

std::vector<std::pair<std::string, LayoutNode>> LayoutNode::Entries(const std::string& what) const {
  if (!node_.IsMap())
    Fail("expected " + what + " (a mapping of key: value), got " + Describe(node_));
  std::vector<std::pair<std::string, LayoutNode>> entries;
  for (const auto& kv : node_) {
    const std::string key = KeyText(kv.first);
    entries.emplace_back(key,
                         LayoutNode(kv.second, file_, path_.empty() ? key : path_ + "." + key));
  }
  return entries;
}

double LayoutNode::AsNumber() const {
  if (!node_.IsScalar()) Fail("expected a number, got " + Describe(node_));
  double value = 0;
  if (!YAML::convert<double>::decode(node_, value) || !std::isfinite(value)) {
    Fail("expected a number, got " + Describe(node_));
  }
  return value;
}

std::string LayoutNode::AsString() const {
  if (!node_.IsScalar()) Fail("expected a text value, got " + Describe(node_));
  return node_.Scalar();
}

bool LayoutNode::AsBool() const {
  bool value = false;
  if (!node_.IsScalar() || !YAML::convert<bool>::decode(node_, value)) {
    Fail("expected true or false, got " + Describe(node_));
  }
  return value;
}

std::vector<double> LayoutNode::AsNumbers() const {
  std::vector<double> values;
  for (const LayoutNode& item : Items("numbers")) values.push_back(item.AsNumber());
  return values;
}

template <size_t N>
std::array<double, N> LayoutNode::AsVector() const {
  const std::vector<double> values = AsNumbers();
  if (values.size() != N) {
    Fail("expected a list of " + std::to_string(N) + " numbers, got " +
         std::to_string(values.size()));
  }
  std::array<double, N> out{};
  std::copy(values.begin(), values.end(), out.begin());
  return out;
}
template std::array<double, 2> LayoutNode::AsVector<2>() const;
template std::array<double, 3> LayoutNode::AsVector<3>() const;
template std::array<double, 4> LayoutNode::AsVector<4>() const;
template std::array<double, 5> LayoutNode::AsVector<5>() const;

LayoutNode LayoutNode::Bound(const schema::Block& block) const {
  LayoutNode bound = *this;
  bound.block_ = &block;
  return bound;
}

const schema::Param& LayoutNode::Param(const std::string& key) const {
  if (!block_) {
    throw schema::UndeclaredKey(path_ + ": reading '" + key + "' of a mapping with no schema");
  }
  return schema::Declared(*block_, key);
}

schema::Value LayoutNode::ReadValue(const schema::Param& p) const {
  using schema::Type;
  schema::Value value;
  const YAML::Mark mark = node_.Mark();
  value.at = {*file_, mark.line >= 0 ? mark.line + 1 : 0, mark.column >= 0 ? mark.column + 1 : 0};
  switch (p.type) {
    case Type::kNumber:
    case Type::kInteger: value.data = AsNumber(); break;
    case Type::kBool: value.data = AsBool(); break;
    case Type::kEnum:
    case Type::kString:
    case Type::kName: value.data = AsString(); break;
    case Type::kVector:
    case Type::kInterval: {
      const std::vector<double> numbers = AsNumbers();
      const size_t size = p.type == Type::kInterval ? 2 : static_cast<size_t>(p.size);
      if (numbers.size() != size) {
        Fail("expected a list of " + std::to_string(size) + " numbers, got " +
             std::to_string(numbers.size()));
      }
      value.data = numbers;
      break;
    }
    case Type::kPerJoint:
      if (IsScalar())
        value.data = AsNumber();
      else
        value.data = AsNumbers();
      break;
    case Type::kNumbers: value.data = AsNumbers(); break;
    case Type::kNames:
      for (const LayoutNode& item : Items("names")) item.AsString();
      break;
    case Type::kBlock:
    case Type::kBlockList:
    case Type::kTextMap:
    case Type::kIntervalMap: break;
  }
  if (const auto message = schema::Check(p, value)) Fail(*message);
  return value;
}

std::optional<schema::Value> LayoutNode::Read(const std::string& key) const {
  const schema::Param& p = Param(key);
  if (p.required) return Required(key).ReadValue(p);
  const std::optional<LayoutNode> child = Optional(key);
  if (!child) return std::nullopt;
  return child->ReadValue(p);
}

namespace {

const schema::Param& WithDefault(const schema::Param& p, const std::string& path) {
  if (!p.has_default && !p.required) {
    throw schema::UndeclaredKey(path + ": '" + p.key +
                                "' has no default; check Has() before reading it");
  }
  return p;
}

}  // namespace

double LayoutNode::Number(const std::string& key) const {
  const auto value = Read(key);
  return value ? std::get<double>(value->data) : WithDefault(Param(key), path_).number;
}

int LayoutNode::Integer(const std::string& key) const {
  return static_cast<int>(Number(key));
}

bool LayoutNode::Bool(const std::string& key) const {
  const auto value = Read(key);
  return value ? std::get<bool>(value->data) : WithDefault(Param(key), path_).number != 0;
}

std::string LayoutNode::Text(const std::string& key) const {
  const auto value = Read(key);
  return value ? std::get<std::string>(value->data) : WithDefault(Param(key), path_).text;
}

std::vector<double> LayoutNode::Numbers(const std::string& key) const {
  const auto value = Read(key);
  if (!value) return WithDefault(Param(key), path_).numbers;
  if (const auto* number = std::get_if<double>(&value->data)) {
    return std::vector<double>(Param(key).size, *number);  // one number for every joint
  }
  return std::get<std::vector<double>>(value->data);
}

Vec3 LayoutNode::Vector3(const std::string& key) const {
  const std::vector<double> v = Numbers(key);
  return {v.at(0), v.at(1), v.at(2)};
}

std::optional<std::array<double, 2>> LayoutNode::Interval(const std::string& key) const {
  const auto value = Read(key);
  if (!value) return std::nullopt;
  const auto& v = std::get<std::vector<double>>(value->data);
  return std::array<double, 2>{v[0], v[1]};
}

void LayoutNode::Validate(const schema::Param& p) const {
  using schema::Type;
  switch (p.type) {
    case Type::kBlock: {
      const LayoutNode bound = Bound(*p.block);
      bound.ExpectMap(p.block->description);
      for (const schema::Param& q : p.block->params) {
        if (q.required) bound.Required(q.key);
      }
      bound.CheckNoUnknownKeys();
      break;
    }
    case Type::kBlockList:
      for (const LayoutNode& item : Items(p.block->description + "s")) {
        LayoutNode element = item.Bound(*p.block);
        element.ExpectMap(p.block->description);
        element.CheckNoUnknownKeys();
      }
      break;
    case Type::kTextMap:
      for (const auto& entry : Entries(p.description)) entry.second.AsString();
      break;
    case Type::kIntervalMap:
      for (const auto& entry : Entries(p.description)) entry.second.AsVector<2>();
      break;
    default: ReadValue(p);
  }
}

void LayoutNode::CheckNoUnknownKeys() const {
  if (!node_.IsMap()) return;
  if (block_) {
    for (const auto& kv : node_) {
      const std::string key = KeyText(kv.first);
      if (const schema::Param* p = block_->Find(key)) {
        if (!known_keys_->count(key) && Has(key)) ChildAt(key).Validate(*p);
        continue;
      }
      if (block_->open && key.rfind(block_->open_prefix, 0) == 0) continue;
      const std::vector<std::string> allowed = block_->Keys();
      LayoutNode(kv.first, file_, path_)
          .Fail("unknown key '" + key + "'" +
                base::UnknownNameHint(key, allowed, "; allowed here: "));
    }
    return;
  }
  const std::vector<std::string> allowed(known_keys_->begin(), known_keys_->end());
  for (const auto& kv : node_) {
    const std::string key = KeyText(kv.first);
    if (known_keys_->count(key)) continue;
    LayoutNode(kv.first, file_, path_)
        .Fail("unknown key '" + key + "'" +
              base::UnknownNameHint(key, allowed, "; allowed here: "));
  }
}

LayoutNode ParseLayoutText(const std::string& text, const std::string& shown) {
  try {
    return LayoutNode(YAML::Load(text), shown);
  } catch (const YAML::ParserException& e) {
    throw LayoutError({shown, e.mark.line + 1, e.mark.column + 1, ""},
                      "YAML syntax error: " + e.msg +
                          " (check the indentation and the brackets/quotes on or just before "
                          "that line)");
  }
}

LayoutNode ParseLayoutFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw base::Error(path + ": cannot open the file for reading (check the path and permissions)");
  std::ostringstream text;
  text << in.rdbuf();
  return ParseLayoutText(text.str(), path);
}

const Block& PoseSchema() {
  static const Block block{"pose",
                           "a pose like {position: [x, y, z], yaw: degrees}",
                           {
                               {.key = "position",
                                .type = Type::kVector,
                                .unit = "m",
                                .description = "x, y, z in the parent's (or the layout's) frame",
                                .numbers = {0, 0, 0},
                                .size = 3},
                               {.key = "yaw",
                                .type = Type::kNumber,
                                .unit = "deg",
                                .description = "turn about z",
                                .excludes = {"rpy", "quaternion"}},
                               {.key = "rpy",
                                .type = Type::kVector,
                                .unit = "deg",
                                .description = "roll, pitch, yaw (extrinsic x, y, z)",
                                .numbers = {0, 0, 0},
                                .size = 3,
                                .excludes = {"yaw", "quaternion"}},
                               {.key = "quaternion",
                                .type = Type::kVector,
                                .unit = "1",
                                .description = "w, x, y, z (normalized on reading; not zero)",
                                .numbers = {1, 0, 0, 0},
                                .size = 4,
                                .excludes = {"yaw", "rpy"}},
                           }};
  return block;
}

Pose ReadPose(const LayoutNode& unbound) {
  const LayoutNode node = unbound.Bound(PoseSchema());
  node.ExpectMap(PoseSchema().description);
  Pose pose;
  pose.position = node.Vector3("position");
  const bool has_yaw = node.Has("yaw"), has_rpy = node.Has("rpy"),
             has_quat = node.Has("quaternion");
  if (int(has_yaw) + int(has_rpy) + int(has_quat) > 1) {
    node.Fail("give one of yaw, rpy or quaternion, not several");
  }
  if (has_yaw) pose.orientation = QuatFromYawDeg(node.Number("yaw"));
  if (has_rpy) pose.orientation = QuatFromRpyDeg(node.Vector3("rpy"));
  if (has_quat) {
    const std::vector<double> v = node.Numbers("quaternion");
    Quat q{v[0], v[1], v[2], v[3]};
    const double norm = std::sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
    if (norm < 1e-9) node.Required("quaternion").Fail("a quaternion [w, x, y, z] must not be zero");
    for (double& c : q) c /= norm;
    pose.orientation = q;
  }
  node.CheckNoUnknownKeys();
  return pose;
}

}  // namespace twin::scenes::internal
