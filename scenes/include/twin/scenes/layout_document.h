// A layout as a document: what the user wrote, kept apart from what it expands to.
//
// LoadLayoutDocument parses a layout file and every layout it includes (not flattened: each
// included file is a document of its own, its items once however often it is included) and keeps
// a typed view of it: site, equipment items (type, name, parent, pose and parameters as written,
// randomize ranges), includes, sensors, lights, randomize, autopilot and bridge, each with its
// source position (file, line, column) and key path. Expand turns a document into the MJCF +
// Site the simulator loads; LoadScene is exactly LoadLayoutDocument + Expand. Edits
// (layout_edit.h) change the document, and Expand runs again without reading a file.
#pragma once

#include <twin/scenes/layout_schema.h>
#include <twin/scenes/pose.h>
#include <twin/scenes/scene.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace twin::scenes {
namespace internal {
struct LayoutStore;
}  // namespace internal

/// Where a node of a layout was written: 1-based line and column (0 when unknown: a value an edit
/// made), and its key path ("equipment[2].length").
struct SourceRef {
  std::string file;
  int line = 0;
  int column = 0;
  std::string path;
};

/// One `key: value` of a mapping, typed by its schema param as written. `value.data` is empty
/// when the value does not read as its type, or is a mapping (Expand says what is wrong).
struct LayoutValue {
  std::string key;
  schema::Value value;
  SourceRef at;
};

/// A pose as written: each field empty when the file does not give it.
struct LayoutPose {
  std::vector<double> position;
  std::optional<double> yaw;  ///< degrees
  std::vector<double> rpy;    ///< degrees
  std::vector<double> quaternion;
  SourceRef at;

  /// The pose it means (identity for what is not given); invalid values read as identity.
  Pose Resolved() const;
};

/// An equipment item, as written (names without the prefix of the layout that includes it).
struct LayoutItem {
  std::string type;
  std::string name;
  std::string parent;      ///< "" when placed in the layout's frame
  std::string class_name;  ///< "" for the type's default class
  std::optional<LayoutPose> pose;
  std::vector<LayoutValue> parameters;  ///< the type's own keys (and `fixed`), in file order
  std::vector<LayoutValue> randomize;   ///< the item's randomize ranges, in file order
  SourceRef at;
};

/// A sensor (`type` camera, lidar, imu or beam_break) or a light (`type` "light").
struct LayoutEntry {
  std::string type;
  std::string name;
  std::string mount;  ///< "" when not given
  std::optional<LayoutPose> pose;
  std::vector<LayoutValue> parameters;  ///< every other key, in file order
  SourceRef at;
};

struct LayoutInclude {
  std::string file;   ///< as written
  int document = -1;  ///< index in Layout::files() of the included layout; -1: a model or unread
  std::optional<LayoutPose> pose;
  std::string prefix;
  SourceRef at;
};

/// A top-level block (site, randomize, autopilot, bridge): its keys as written.
struct LayoutSection {
  bool present = false;
  std::vector<LayoutValue> values;
  SourceRef at;
};

/// One layout file of a document.
struct LayoutFile {
  std::string path;  ///< as messages show it
  std::vector<LayoutItem> items;
  std::vector<LayoutInclude> includes;
  std::vector<LayoutEntry> sensors;  ///< cameras, lidars, IMUs, beam breaks, in that order
  std::vector<LayoutEntry> lights;
  // Only the top-level file has these.
  LayoutSection site, randomize, autopilot, bridge;
};

class Layout {
 public:
  Layout();
  ~Layout();
  /// A copy shares nothing with the original (an edit of one leaves the other as it was).
  Layout(const Layout& other);
  Layout& operator=(const Layout& other);
  Layout(Layout&&) noexcept;
  Layout& operator=(Layout&&) noexcept;

  /// The top-level file first, then each included layout once, in the order first included.
  const std::vector<LayoutFile>& files() const { return files_; }
  const LayoutFile& top() const { return files_.front(); }
  /// The top-level file as named, and where its includes resolve.
  const std::string& path() const;
  const std::string& base_dir() const;
  /// File `file` as YAML (yaml-cpp's emitter: content, not the user's formatting).
  std::string Dump(size_t file = 0) const;
  /// Same files with the same content (positions aside).
  bool operator==(const Layout& other) const;

  /// For the implementation (layout_*.cpp): the parsed YAML and rebuilding the view after an edit.
  internal::LayoutStore& store() { return *store_; }
  const internal::LayoutStore& store() const { return *store_; }
  void Reindex();

 private:
  std::unique_ptr<internal::LayoutStore> store_;
  std::vector<LayoutFile> files_;
};

/// Parses a layout file and the layouts it includes. Throws twin::base::Error when the file
/// cannot be read, is empty or is not YAML; every other mistake is Expand's to report, in the
/// order the loader meets it.
Layout LoadLayoutDocument(const std::string& path);
/// The same for text; `shown` names it in messages and `base_dir` is where its includes resolve.
Layout ParseLayoutDocument(const std::string& text, const std::string& shown,
                           const std::string& base_dir);

/// The MJCF + Site of a document (what LoadScene returns for its file). Throws twin::base::Error
/// with the loader's message on the first mistake.
Scene Expand(const Layout& layout);

}  // namespace twin::scenes
