// The text of a layout and of the layouts it includes, patched in place: writing layouts back.
//
// A LayoutSource holds the bytes of a layout file and of every layout (.yaml) it includes, and
// changes them by splicing text: setting a value replaces only that value's characters, so
// comments, key order, blank lines and number formatting elsewhere stay as the user wrote them and
// a diff shows one line. Nothing is written until Save(), which writes only the files that changed.
//
// Key paths (the same syntax for `twin layout set`):
//
//   path     := segment ('.' segment)*
//   segment  := KEY | KEY '[' selector ']' | '[' selector ']'
//   selector := INDEX | FIELD '=' VALUE
//
// A KEY selects a key of a mapping. In a sequence, `[3]` selects the item at that index (from 0),
// `[name=infeed]` (any FIELD) the item whose FIELD is VALUE, and a plain segment the item whose
// `name` is that segment: `equipment.infeed.speed` is `equipment[name=infeed].speed`,
// `sensors.cameras.cam_dock.fovy`, `site.walls[0].height`. An item that comes from an included
// layout is addressed by the name the layout gives it (the include's prefix + its own name) and
// is edited in the included file; every other file is left as it is.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace twin::scenes {

/// One file of a LayoutSource: where it is, what it held when read, and what it holds now.
struct LayoutSourceFile {
  std::filesystem::path path;  ///< as opened (the main file) or resolved (includes)
  std::string original;        ///< the bytes read from disk (or last saved)
  std::string text;            ///< the bytes now, with every edit applied
  bool dirty() const { return text != original; }
};

class LayoutSource {
 public:
  /// Reads `layout` and every layout it includes (recursively, each file once). Throws
  /// twin::base::Error naming the file when one cannot be read or is not valid YAML.
  static LayoutSource Open(const std::filesystem::path& layout);

  /// Holds `text` as the main file `path` (not read from disk; includes are not followed).
  static LayoutSource FromText(std::string text, const std::filesystem::path& path);

  /// Sets the value at `path` to `value` (YAML text: a scalar such as `0.5` or `"a b"`, or a flow
  /// value such as `[1, 2, 0]` or `{position: [1, 2, 0]}`). An existing value's text is replaced;
  /// absent keys are added (missing inner mappings as one flow value), in the mapping's style:
  /// `, key: value` before a flow mapping's `}`, or a line after the block mapping's last line at
  /// its indentation. Flow values are written canonically (`[1, 2, 0]`), scalars as given.
  /// Throws twin::base::Error for a path that names nothing (with "did you mean") or a value
  /// that is not YAML.
  void Set(const std::string& path, const std::string& value);

  /// Appends `item` (YAML text, usually a flow mapping) at the end of the sequence at `path`, in
  /// the style of its last item: a flow item on its own line at the same indentation, or a block
  /// mapping at the same indentation; `, item` in a flow sequence. An absent sequence is added to
  /// the end of its file as a block sequence.
  void Append(const std::string& path, const std::string& item);
  /// Appends several items at once (one parse of the file for all of them).
  void Append(const std::string& path, const std::vector<std::string>& items);

  /// Removes the sequence item or mapping key at `path`: its lines (a block item) together with
  /// the comment lines right above it, or its text and one comma (in a flow collection).
  void Remove(const std::string& path);

  /// Set, Append and Remove for `in_file`, a key path within file `file` of files() (no include
  /// is followed; items by index work, as in "equipment[3].length"). `shown` names the path in
  /// messages ("" for `in_file`).
  void SetIn(size_t file, const std::string& in_file, const std::string& value,
             const std::string& shown = "");
  void AppendIn(size_t file, const std::string& in_file, const std::vector<std::string>& items,
                const std::string& shown = "");
  void RemoveIn(size_t file, const std::string& in_file, const std::string& shown = "");

  /// The text of the value at `path` as written in its file (quotes and all).
  std::string Text(const std::string& path) const;

  /// Writes every changed file in place, atomically (a temporary file in the same folder, fsync,
  /// rename), and returns the files written. On failure throws twin::base::Error naming the path
  /// and the reason; files not yet written stay dirty with their text, so nothing is lost.
  std::vector<std::filesystem::path> Save();

  bool dirty() const;
  const std::vector<LayoutSourceFile>& files() const { return files_; }
  LayoutSourceFile& main() { return files_.front(); }
  const LayoutSourceFile& main() const { return files_.front(); }

 private:
  struct Include {
    size_t file;         // index into files_
    std::string prefix;  // prepended to the names of its items
  };
  LayoutSource() = default;
  void ReadIncludes(size_t file);
  // The file and in-file path that `path` addresses, following included layouts.
  std::pair<size_t, std::string> Locate(const std::string& path) const;

  std::vector<LayoutSourceFile> files_;
  std::vector<std::vector<Include>> includes_;  // per file
};

/// Saves a layout's changed files (LayoutSource::Save): the name the document model calls.
inline std::vector<std::filesystem::path> SaveLayout(LayoutSource& source) {
  return source.Save();
}

/// Writes `bytes` to `path` atomically: a temporary file beside it, fsync, rename over it (keeping
/// an existing file's permissions), fsync of the folder. Throws twin::base::Error naming `path`
/// and the reason (errno's text) when any step fails; the temporary file is then removed.
void WriteFileAtomically(const std::filesystem::path& path, const std::string& bytes);

}  // namespace twin::scenes
