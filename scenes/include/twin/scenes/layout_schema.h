// The layout schema: every key a layout file may hold, declared once as plain data (MuJoCo-style
// tables), one table per equipment type beside its builder and one per section (site, sensors,
// lights, randomize, autopilot, bridge, include).
//
// The loader validates every mapping of a layout against its block: a key that is not declared is
// refused with "did you mean", a value of the wrong type or out of range with the same message
// `Check` returns. Builders read typed values through the block (layout_node.h), so the default
// and range of a key live here only; reading a key the block does not declare is a programming
// error (UndeclaredKey). `twin layout schema` prints the whole schema as JSON Schema (draft-07)
// and `--markdown` as the reference tables of scenes/README.md.
#pragma once

#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace twin::scenes::schema {

enum class Type {
  kNumber,       ///< a real number (`range`)
  kInteger,      ///< a whole number (`range`)
  kBool,         ///< true or false
  kEnum,         ///< one of `choices`
  kString,       ///< free text
  kName,         ///< the name of another thing of the layout (`refers_to` says what)
  kVector,       ///< a list of exactly `size` numbers, each within `range`
  kNumbers,      ///< a list of any length of numbers, each within `range`
  kPerJoint,     ///< one number for every joint, or a list of `size` (one per joint)
  kInterval,     ///< [min, max] with min <= max, both within `range`
  kNames,        ///< a list of names (`refers_to` says what)
  kBlock,        ///< a mapping described by `block`
  kBlockList,    ///< a list of mappings, each described by `block`
  kTextMap,      ///< a mapping of free keys to text (e.g. topic overrides)
  kIntervalMap,  ///< a mapping of free keys to [min, max] ranges (an item's randomize)
};

/// Bounds of a number (of each element for lists). Infinite bounds are absent.
struct Range {
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool exclusive_min = false;
  bool exclusive_max = false;
  bool Contains(double x) const;
  bool bounded() const { return min > -1e300 || max < 1e300; }
};
inline constexpr Range kAny{};
inline constexpr Range kPositive{0, std::numeric_limits<double>::infinity(), true};
inline constexpr Range kNonNegative{0};

struct Block;

/// One key of a mapping.
struct Param {
  std::string key;
  Type type = Type::kNumber;
  std::string unit;  ///< "m", "kg", "deg", "m/s", ...; "1" for ratios; "" when not a quantity
  std::string description;  ///< one line
  bool required = false;
  bool has_default = true;      ///< false: absent means "not given" (see default_note)
  double number = 0;            ///< default of numbers, integers and bools (0/1)
  std::vector<double> numbers;  ///< default of vectors, lists and intervals
  std::string text;             ///< default of enums, strings and names
  std::string default_note;     ///< a default computed from other keys, in words
  Range range;
  int size = 0;                      ///< length of kVector / kPerJoint
  std::vector<std::string> choices;  ///< kEnum
  std::string refers_to;  ///< kName / kNames: "equipment", "mount", "class", "material", ...
  /// Replaces the generic "must be > 0, got x" when a value is out of range.
  std::string range_message;
  const Block* block = nullptr;  ///< kBlock / kBlockList
  /// Keys of the same mapping this one cannot be given with.
  std::vector<std::string> excludes;
  /// Given only together with this key set to true (e.g. an AMR's lift_stroke needs lift).
  std::string needs;
};

/// A mapping: its keys, in the order they are read and documented.
struct Block {
  std::string name;  ///< "site", "conveyor", "camera", ...
  std::string description;
  std::vector<Param> params;
  /// Keys that match no param are allowed (e.g. an autopilot's own settings).
  bool open = false;
  /// A free key must start with this (e.g. "patrol_") to be accepted in an open block.
  std::string open_prefix;

  const Param* Find(const std::string& key) const;
  /// The declared keys, sorted (as "allowed here:" lists them).
  std::vector<std::string> Keys() const;
};

/// A value as written, typed by its Param, with where it was written (for messages and editors).
struct SourcePos {
  std::string file;
  int line = 0;    ///< 1-based, 0 when unknown
  int column = 0;  ///< 1-based, 0 when unknown
};
struct Value {
  using Data = std::variant<std::monostate, bool, double, std::string, std::vector<double>>;
  Data data;
  SourcePos at;
};

/// Checks a typed value against its param: range, whole numbers, allowed values, list length.
/// Returns the message the loader would print after "file:line:col: path: ", or nothing when
/// the value is valid. For "set parameter" edits and editors' inspectors.
std::optional<std::string> Check(const Param& param, const Value& value);

/// Thrown when code reads a key its block does not declare: a builder out of step with the
/// schema (tests catch it; users never should see it).
class UndeclaredKey : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};
/// The param `key` of `block`, or throws UndeclaredKey.
const Param& Declared(const Block& block, const std::string& key);

/// The top level of a layout file (site, equipment, include, sensors, lights, ...).
const Block& LayoutRoot();
/// One equipment type: its name, its own parameters and whether an item may say `fixed: true`.
struct EquipmentSchema {
  std::string type;
  std::string default_class;
  std::string offers;  ///< the mount points it offers, in words
  const Block* params;
  bool loose;    ///< a free body, simulated
  bool fixable;  ///< loose, but an item may say `fixed: true`
};
const std::vector<EquipmentSchema>& EquipmentSchemas();
/// The keys every equipment item has (type, name, class, pose, parent, randomize; fixed for
/// fixable types) followed by the type's own: what an item of `type` may hold.
const Block* ItemBlock(const std::string& type);
/// Every block of the schema, each once (for tests and generators).
std::vector<const Block*> AllBlocks();

/// The whole schema as a JSON Schema (draft-07) document, for editors (yaml-language-server).
std::string JsonSchema();
/// The reference tables of scenes/README.md (between its "BEGIN/END layout schema" markers).
std::string MarkdownReference();

}  // namespace twin::scenes::schema
