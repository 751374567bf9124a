#include "layout_node.h"

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

std::string FormatNumber(double x) {
  std::ostringstream out;
  out << x;
  return out.str();
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

void LayoutNode::Fail(const std::string& message) const {
  throw base::Error(Where() + ": " + (path_.empty() ? "" : path_ + ": ") + message);
}

void LayoutNode::ExpectMap(const std::string& what) const {
  if (!node_.IsMap())
    Fail("expected " + what + " (a mapping of key: value), got " + Describe(node_));
}

void LayoutNode::Declare(const std::string& key) const {
  known_keys_->insert(key);
}

bool LayoutNode::Has(const std::string& key) const {
  return node_.IsMap() && node_[key].IsDefined() && !node_[key].IsNull();
}

LayoutNode LayoutNode::ChildAt(const std::string& key) const {
  return LayoutNode(node_[key], file_, path_.empty() ? key : path_ + "." + key);
}

LayoutNode LayoutNode::Required(const std::string& key) const {
  Declare(key);
  if (!Has(key)) Fail("missing key '" + key + "'");
  return ChildAt(key);
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
  }
  return items;
}

std::vector<std::pair<std::string, LayoutNode>> LayoutNode::Entries(const std::string& what) const {
  if (!node_.IsMap())
    Fail("expected " + what + " (a mapping of key: value), got " + Describe(node_));
  std::vector<std::pair<std::string, LayoutNode>> entries;
  for (const auto& kv : node_) {
    const std::string key = kv.first.as<std::string>();
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

double LayoutNode::Number(const std::string& key, double fallback, double min, double max,
                          bool exclusive_min) const {
  const std::optional<LayoutNode> child = Optional(key);
  if (!child) return fallback;
  const double value = child->AsNumber();
  const bool low = exclusive_min ? value <= min : value < min;
  if (low || value > max) {
    std::string range;
    if (max >= 1e300) {
      range = (exclusive_min ? "> " : ">= ") + FormatNumber(min);
    } else if (min <= -1e300) {
      range = "<= " + FormatNumber(max);
    } else {
      range = "in " + std::string(exclusive_min ? "(" : "[") + FormatNumber(min) + ", " +
              FormatNumber(max) + "]";
    }
    child->Fail("must be " + range + ", got " + FormatNumber(value));
  }
  return value;
}

double LayoutNode::RequiredNumber(const std::string& key, double min, double max,
                                  bool exclusive_min) const {
  Required(key);
  return Number(key, 0, min, max, exclusive_min);
}

double LayoutNode::Positive(const std::string& key, double fallback) const {
  return Number(key, fallback, 0, 1e300, /*exclusive_min=*/true);
}

int LayoutNode::Integer(const std::string& key, int fallback, int min, int max) const {
  const std::optional<LayoutNode> child = Optional(key);
  if (!child) return fallback;
  const double value = child->AsNumber();
  if (value != std::floor(value)) child->Fail("must be a whole number, got " + FormatNumber(value));
  if (value < min || value > max) {
    child->Fail("must be in [" + std::to_string(min) + ", " + std::to_string(max) + "], got " +
                FormatNumber(value));
  }
  return static_cast<int>(value);
}

std::string LayoutNode::String(const std::string& key, const std::string& fallback) const {
  const std::optional<LayoutNode> child = Optional(key);
  return child ? child->AsString() : fallback;
}

std::string LayoutNode::RequiredString(const std::string& key) const {
  return Required(key).AsString();
}

std::string LayoutNode::Choice(const std::string& key, const std::string& fallback,
                               const std::vector<std::string>& choices) const {
  const std::optional<LayoutNode> child = Optional(key);
  if (!child) return fallback;
  const std::string value = child->AsString();
  for (const std::string& choice : choices) {
    if (choice == value) return value;
  }
  child->Fail("unknown value '" + value + "'" +
              base::UnknownNameHint(value, choices, "; allowed: "));
}

bool LayoutNode::Bool(const std::string& key, bool fallback) const {
  const std::optional<LayoutNode> child = Optional(key);
  return child ? child->AsBool() : fallback;
}

Vec3 LayoutNode::Vector3(const std::string& key, const Vec3& fallback) const {
  const std::optional<LayoutNode> child = Optional(key);
  return child ? child->AsVector<3>() : fallback;
}

void LayoutNode::CheckNoUnknownKeys() const {
  if (!node_.IsMap()) return;
  const std::vector<std::string> allowed(known_keys_->begin(), known_keys_->end());
  for (const auto& kv : node_) {
    const std::string key = kv.first.as<std::string>();
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
    throw base::Error(
        shown + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
        ": YAML syntax error: " + e.msg +
        " (check the indentation and the brackets/quotes on or just before that line)");
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

Pose ReadPose(const LayoutNode& node) {
  node.ExpectMap("a pose like {position: [x, y, z], yaw: degrees}");
  Pose pose;
  pose.position = node.Vector3("position", {0, 0, 0});
  const bool has_yaw = node.Has("yaw"), has_rpy = node.Has("rpy"),
             has_quat = node.Has("quaternion");
  if (int(has_yaw) + int(has_rpy) + int(has_quat) > 1) {
    node.Fail("give one of yaw, rpy or quaternion, not several");
  }
  if (const auto yaw = node.Optional("yaw")) pose.orientation = QuatFromYawDeg(yaw->AsNumber());
  if (const auto rpy = node.Optional("rpy")) pose.orientation = QuatFromRpyDeg(rpy->AsVector<3>());
  if (const auto quat = node.Optional("quaternion")) {
    Quat q = quat->AsVector<4>();
    const double norm = std::sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
    if (norm < 1e-9) quat->Fail("a quaternion [w, x, y, z] must not be zero");
    for (double& c : q) c /= norm;
    pose.orientation = q;
  }
  node.CheckNoUnknownKeys();
  return pose;
}

}  // namespace twin::scenes::internal
