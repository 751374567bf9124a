// A YAML value of a layout file that knows where it came from, so every error can name the file,
// line, column and key path ("warehouse.yaml:12:5: equipment[2].length: ...").
//
// A mapping is bound to its block of the layout schema (layout_schema.h): the typed getters read a
// declared key, checked against its type and range, or give its default; reading a key the block
// does not declare throws schema::UndeclaredKey. CheckNoUnknownKeys() then checks what no getter
// read and rejects keys the block does not declare, with a "did you mean" suggestion.
#pragma once

#include <twin/base/error.h>
#include <twin/scenes/layout_document.h>
#include <twin/scenes/layout_schema.h>
#include <twin/scenes/pose.h>

#include <yaml-cpp/yaml.h>

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace twin::scenes::internal {

/// What LayoutNode::Fail throws: the whole message, and its parts for diagnostics lists.
class LayoutError : public base::Error {
 public:
  LayoutError(SourceRef at, std::string message);
  const SourceRef& at() const { return at_; }
  const std::string& message() const { return message_; }

 private:
  SourceRef at_;
  std::string message_;
};

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
  /// File, line, column and key path.
  SourceRef Ref() const;
  /// Throws twin::base::Error "Where(): path: message".
  [[noreturn]] void Fail(const std::string& message) const;

  /// The YAML value itself (for the document's view, layout_document.cpp).
  const YAML::Node& yaml() const { return node_; }
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

  /// This node checked against `block` (see the file comment).
  LayoutNode Bound(const schema::Block& block) const;
  const schema::Block* block() const { return block_; }
  /// The declaration of `key` in this node's block; throws schema::UndeclaredKey.
  const schema::Param& Param(const std::string& key) const;

  // Typed reads of a declared key: the value as written (type and range checked, failing with
  // the schema's message at the value), else the key's default.
  double Number(const std::string& key) const;
  int Integer(const std::string& key) const;
  bool Bool(const std::string& key) const;
  /// An enum, string or name.
  std::string Text(const std::string& key) const;
  /// A vector, list of numbers or interval.
  std::vector<double> Numbers(const std::string& key) const;
  Vec3 Vector3(const std::string& key) const;
  /// A [min, max] interval when given.
  std::optional<std::array<double, 2>> Interval(const std::string& key) const;
  /// The value of `key` read and checked against its param (nothing when absent).
  std::optional<schema::Value> Read(const std::string& key) const;

  /// Checks the values of declared keys no getter read, then rejects keys the block does not
  /// declare (unbound: keys no getter asked for).
  void CheckNoUnknownKeys() const;

 private:
  LayoutNode(YAML::Node node, std::shared_ptr<const std::string> file, std::string path);
  LayoutNode ChildAt(const std::string& key) const;
  /// A mapping key as text; a key that is a list or mapping (`? [a, b]: 1`) is an error.
  std::string KeyText(const YAML::Node& key) const;
  void Declare(const std::string& key) const;
  schema::Value ReadValue(const schema::Param& param) const;
  void Validate(const schema::Param& param) const;

  YAML::Node node_;
  std::shared_ptr<const std::string> file_;
  std::string path_;
  std::shared_ptr<std::set<std::string>> known_keys_;
  const schema::Block* block_ = nullptr;        ///< this mapping's block, when bound
  const schema::Block* items_block_ = nullptr;  ///< the block of each element of this list
};

/// Parses a YAML file (or text); syntax errors name the file, line and column.
LayoutNode ParseLayoutFile(const std::string& path);
LayoutNode ParseLayoutText(const std::string& text, const std::string& shown);

/// A pose mapping: {position: [x, y, z], yaw: deg | rpy: [r, p, y] deg | quaternion: [w, x, y, z]}.
Pose ReadPose(const LayoutNode& pose);

}  // namespace twin::scenes::internal
