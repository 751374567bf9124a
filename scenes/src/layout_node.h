// A YAML value of a layout file that knows where it came from, so every error can name the file,
// line, column and key path ("warehouse.yaml:12:5: equipment[2].length: ...").
//
// Reading a key through any getter declares it as allowed for that mapping; after reading,
// CheckNoUnknownKeys() rejects the keys nobody asked for, with a "did you mean" suggestion. The
// list of allowed keys is therefore the code that reads them, never a second list to keep in sync.
#pragma once

#include <twin/scenes/pose.h>

#include <yaml-cpp/yaml.h>

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace twin::scenes::internal {

class LayoutNode {
 public:
  /// The root of a parsed file. `file` is the path shown in messages.
  LayoutNode(YAML::Node node, std::string file);

  /// "file:line:column" of this value (of the file when the value has no position).
  std::string Where() const;
  /// The key path, e.g. "equipment[2].length" ("" at the root).
  const std::string& path() const { return path_; }
  const std::string& file() const { return *file_; }
  int line() const;  ///< 1-based, 0 when unknown
  /// Throws twin::base::Error "Where(): path: message".
  [[noreturn]] void Fail(const std::string& message) const;

  bool IsMap() const { return node_.IsMap(); }
  bool IsSequence() const { return node_.IsSequence(); }
  bool IsScalar() const { return node_.IsScalar(); }
  /// Fails unless this is a mapping (`what` names what was expected, e.g. "an equipment item").
  void ExpectMap(const std::string& what) const;

  bool Has(const std::string& key) const;
  /// A required key (declared as allowed); fails naming the key when it is missing.
  LayoutNode Required(const std::string& key) const;
  /// An optional key (declared as allowed).
  std::optional<LayoutNode> Optional(const std::string& key) const;

  /// Elements of a sequence (fails when this is not one).
  std::vector<LayoutNode> Items(const std::string& what) const;
  /// Key/value pairs of a mapping, in file order.
  std::vector<std::pair<std::string, LayoutNode>> Entries(const std::string& what) const;

  // Scalars of this node.
  double AsNumber() const;
  std::string AsString() const;
  bool AsBool() const;
  template <size_t N>
  std::array<double, N> AsVector() const;
  std::vector<double> AsNumbers() const;

  // Typed reads of a key, with a default when absent. `min`/`max` bound the value (inclusive
  // unless `exclusive_min`); a value out of range fails with the allowed range in the message.
  double Number(const std::string& key, double fallback, double min = -1e300, double max = 1e300,
                bool exclusive_min = false) const;
  double RequiredNumber(const std::string& key, double min = -1e300, double max = 1e300,
                        bool exclusive_min = false) const;
  /// A number > 0 (lengths, masses, speeds limits...).
  double Positive(const std::string& key, double fallback) const;
  int Integer(const std::string& key, int fallback, int min, int max) const;
  std::string String(const std::string& key, const std::string& fallback) const;
  std::string RequiredString(const std::string& key) const;
  /// One of `choices`; fails listing them.
  std::string Choice(const std::string& key, const std::string& fallback,
                     const std::vector<std::string>& choices) const;
  bool Bool(const std::string& key, bool fallback) const;
  Vec3 Vector3(const std::string& key, const Vec3& fallback) const;

  /// Rejects any key of this mapping that no getter asked for.
  void CheckNoUnknownKeys() const;

 private:
  LayoutNode(YAML::Node node, std::shared_ptr<const std::string> file, std::string path);
  LayoutNode ChildAt(const std::string& key) const;
  void Declare(const std::string& key) const;

  YAML::Node node_;
  std::shared_ptr<const std::string> file_;
  std::string path_;
  std::shared_ptr<std::set<std::string>> known_keys_;
};

/// Parses a YAML file (or text); syntax errors name the file, line and column.
LayoutNode ParseLayoutFile(const std::string& path);
LayoutNode ParseLayoutText(const std::string& text, const std::string& shown);

/// A pose mapping: {position: [x, y, z], yaw: deg | rpy: [r, p, y] deg | quaternion: [w, x, y, z]}.
Pose ReadPose(const LayoutNode& pose);

}  // namespace twin::scenes::internal
