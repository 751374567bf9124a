// Where things are in a layout's text: the spans of yaml-cpp nodes (yaml-cpp marks only where a
// node starts), key paths, and YAML values written as canonical flow text. For layout_source.cpp
// and layout_format.cpp.
#pragma once

#include <twin/base/error.h>
#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

namespace twin::scenes::text {

/// One segment of a key path (layout_source.h documents the syntax).
struct Segment {
  std::string key;      ///< mapping key ("" when the segment is only a selector)
  bool select = false;  ///< a sequence selector follows (or the segment is a plain name in a seq)
  bool by_index = false;
  size_t index = 0;
  std::string field;  ///< selector field ("name" for plain segments)
  std::string value;  ///< selector value
};

/// Parses "equipment[name=a].pose.position"; throws twin::base::Error on a malformed path.
std::vector<Segment> ParsePath(const std::string& path);

/// Index just past a scalar starting at `begin` (quoted or plain; a plain one in a flow collection
/// also stops at , ] }; any stops at a comment or the line's end). Trailing blanks are not part.
size_t ScalarEnd(const std::string& text, size_t begin, bool in_flow);
/// Index just past the bracket closing the flow collection that opens at `begin`.
size_t FlowEnd(const std::string& text, size_t begin);
/// Index just past a key's colon (the key starts at `key_begin`).
size_t AfterColon(const std::string& text, size_t key_begin);

/// A scalar whose text cannot be spanned by the rules above: a block scalar (`|`, `>`) or a plain
/// scalar continued on the next line. what() is "LINE:COLUMN: what it is" (1-based) for the
/// caller to prefix with the file; `line`/`column` are 0-based.
class UnsupportedScalar : public base::Error {
 public:
  UnsupportedScalar(size_t line, size_t column, const std::string& what);
  size_t line;
  size_t column;
};

/// [begin, end) of a (non-null) node's text. Throws UnsupportedScalar when `node` (or the last
/// value of a block collection, which decides where it ends) is a scalar it cannot span.
struct Span {
  size_t begin = 0;
  size_t end = 0;
};
Span NodeSpan(const std::string& text, const YAML::Node& node, bool in_flow);
/// The span of the value of a key: an empty span just past the colon for an implicit null.
Span ValueSpan(const std::string& text, const YAML::Node& key, const YAML::Node& value,
               bool in_flow);
bool IsFlow(const YAML::Node& node);

size_t LineStart(const std::string& text, size_t at);
/// Index of the '\n' ending the line of `at` (text.size() when the last line has none).
size_t LineEnd(const std::string& text, size_t at);

/// `node` as one line of canonical flow YAML: "[1, 2, 0]", "{position: [1, 2, 0]}"; scalars as
/// their content, double-quoted when they were quoted or would not read back as written.
std::string FlowText(const YAML::Node& node);
/// A scalar written by a person, checked to be one YAML value and trimmed; collections come back
/// as FlowText. Throws twin::base::Error with `what` for text that is not YAML.
std::string ValueText(const std::string& yaml, const std::string& what);

}  // namespace twin::scenes::text
