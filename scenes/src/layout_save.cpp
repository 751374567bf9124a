// Saving a layout document through its text (layout_save.h): the document's YAML compared with
// the text's, each difference one LayoutSource patch.
#include <twin/base/error.h>
#include <twin/scenes/layout_save.h>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <string>
#include <vector>

#include "layout_store.h"
#include "layout_text.h"

namespace twin::scenes {
namespace {

namespace fs = std::filesystem;

struct Patch {
  enum class Op { kSet, kAppend, kRemove };
  Op op;
  size_t file;
  std::string path;
  std::vector<std::string> values;  ///< one for kSet, the items for kAppend
};

bool Find(const YAML::Node& map, const std::string& key, YAML::Node* out) {
  for (const auto& kv : map) {
    if (kv.first.IsScalar() && kv.first.Scalar() == key) {
      out->reset(kv.second);
      return true;
    }
  }
  return false;
}

// The same content (key order aside).
bool Same(const YAML::Node& a, const YAML::Node& b) {
  if (a.Type() != b.Type()) return false;
  if (a.IsScalar()) return a.Scalar() == b.Scalar();
  if (a.IsSequence()) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (!Same(a[i], b[i])) return false;
    }
    return true;
  }
  if (a.IsMap()) {
    if (a.size() != b.size()) return false;
    for (const auto& kv : a) {
      YAML::Node other;
      if (!kv.first.IsScalar() || !Find(b, kv.first.Scalar(), &other) || !Same(kv.second, other)) {
        return false;
      }
    }
  }
  return true;
}

std::string NameOf(const YAML::Node& item) {
  YAML::Node name;
  if (item.IsMap() && Find(item, "name", &name) && name.IsScalar()) return name.Scalar();
  return "";
}

std::string KeyPath(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}
std::string IndexPath(const std::string& path, size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

class Differ {
 public:
  Differ(size_t file, std::vector<Patch>& out) : file_(file), out_(out) {}

  void Diff(const YAML::Node& was, const YAML::Node& now, const std::string& path) {
    if (was.IsMap() && now.IsMap()) return DiffMap(was, now, path);
    if (was.IsSequence() && now.IsSequence()) return DiffList(was, now, path);
    if (Same(was, now)) return;
    if (path.empty()) throw base::Error("the whole file changed type");
    Set(path, now);
  }

 private:
  void Set(const std::string& path, const YAML::Node& now) {
    out_.push_back({Patch::Op::kSet, file_, path, {text::FlowText(now)}});
  }

  void DiffMap(const YAML::Node& was, const YAML::Node& now, const std::string& path) {
    YAML::Node other;
    for (const auto& kv : was) {
      if (!Find(now, kv.first.Scalar(), &other)) {
        out_.push_back({Patch::Op::kRemove, file_, KeyPath(path, kv.first.Scalar()), {}});
      }
    }
    for (const auto& kv : now) {
      const std::string child = KeyPath(path, kv.first.Scalar());
      if (Find(was, kv.first.Scalar(), &other)) {
        Diff(other, kv.second, child);
      } else if (kv.second.IsSequence() && kv.second.size() > 0) {
        Patch append{Patch::Op::kAppend, file_, child, {}};
        for (const YAML::Node& item : kv.second) append.values.push_back(text::FlowText(item));
        out_.push_back(append);
      } else {
        Set(child, kv.second);
      }
    }
  }

  // Items unchanged at both ends are skipped; those between are paired by position when the
  // counts agree, else by name. A list emptied is written `[]`. Unpaired old items are removed;
  // unpaired new ones must come after every other item (they are appended), or the list is written
  // whole.
  void DiffList(const YAML::Node& was, const YAML::Node& now, const std::string& path) {
    const size_t n = was.size(), m = now.size();
    if (m == 0 && n > 0) {  // `key: []`, not a key with nothing under it (null)
      Set(path, now);
      return;
    }
    size_t head = 0, tail = 0;
    while (head < n && head < m && Same(was[head], now[head])) ++head;
    while (tail < n - head && tail < m - head && Same(was[n - 1 - tail], now[m - 1 - tail])) ++tail;
    std::vector<std::pair<size_t, size_t>> pairs;  // (old, new)
    std::vector<bool> old_paired(n, false), new_paired(m, false);
    if (n == m) {
      for (size_t i = head; i < n - tail; ++i) pairs.emplace_back(i, i);
    } else {
      for (size_t j = head; j < m - tail; ++j) {
        const std::string name = NameOf(now[j]);
        if (name.empty()) continue;
        for (size_t i = head; i < n - tail; ++i) {
          if (!old_paired[i] && NameOf(was[i]) == name) {
            pairs.emplace_back(i, j);
            old_paired[i] = new_paired[j] = true;
            break;
          }
        }
      }
    }
    for (const auto& [i, j] : pairs) old_paired[i] = new_paired[j] = true;
    bool in_order = true;
    for (size_t k = 1; k < pairs.size(); ++k) in_order &= pairs[k].first > pairs[k - 1].first;
    std::vector<size_t> added;
    for (size_t j = head; j < m - tail; ++j) {
      if (!new_paired[j]) added.push_back(j);
    }
    const bool appended_at_end =
        added.empty() || (tail == 0 && (pairs.empty() || added.front() > pairs.back().second));
    if (!in_order || !appended_at_end) {
      Set(path, now);
      return;
    }
    for (const auto& [i, j] : pairs) Diff(was[i], now[j], IndexPath(path, i));
    for (size_t i = n - tail; i-- > head;) {
      if (!old_paired[i]) out_.push_back({Patch::Op::kRemove, file_, IndexPath(path, i), {}});
    }
    if (!added.empty()) {
      Patch append{Patch::Op::kAppend, file_, path, {}};
      for (size_t j : added) append.values.push_back(text::FlowText(now[j]));
      out_.push_back(append);
    }
  }

  size_t file_;
  std::vector<Patch>& out_;
};

fs::path Canonical(const fs::path& path) {
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(fs::absolute(path), ec);
  return ec ? fs::absolute(path).lexically_normal() : canonical;
}

// The patches that make `source`'s text read as `layout`.
std::vector<Patch> Patches(const Layout& layout, const LayoutSource& source) {
  std::vector<Patch> patches;
  std::vector<fs::path> source_paths;
  for (const LayoutSourceFile& f : source.files()) source_paths.push_back(Canonical(f.path));
  for (const internal::StoredFile& stored : layout.store().files) {
    if (!stored.error.empty() || !stored.root.IsDefined()) continue;  // never read: nothing to save
    const auto at = std::find(source_paths.begin(), source_paths.end(), Canonical(stored.absolute));
    if (at == source_paths.end()) {
      throw base::Error(stored.shown + ": not among the files of the layout's text (" +
                        source.main().path.string() + " and its includes); open both again");
    }
    const size_t file = static_cast<size_t>(at - source_paths.begin());
    const LayoutSourceFile& text = source.files()[file];
    YAML::Node was;
    try {
      was = YAML::Load(text.text);
    } catch (const YAML::Exception& e) {
      throw base::Error(text.path.string() + ": not YAML (" + e.msg + ")");
    }
    try {
      Differ(file, patches).Diff(was, stored.root, "");
    } catch (const base::Error& e) {
      throw base::Error(text.path.string() + ": " + e.what());
    }
  }
  return patches;
}

}  // namespace

void WriteLayoutToSource(const Layout& layout, LayoutSource& source) {
  for (const Patch& patch : Patches(layout, source)) {
    switch (patch.op) {
      case Patch::Op::kSet: source.SetIn(patch.file, patch.path, patch.values.front()); break;
      case Patch::Op::kRemove: source.RemoveIn(patch.file, patch.path); break;
      case Patch::Op::kAppend: source.AppendIn(patch.file, patch.path, patch.values); break;
    }
  }
}

std::vector<fs::path> SaveLayout(const Layout& layout, LayoutSource& source) {
  WriteLayoutToSource(layout, source);
  return source.Save();
}

bool LayoutUnsaved(const Layout& layout, const LayoutSource& source) {
  return source.dirty() || !Patches(layout, source).empty();
}

}  // namespace twin::scenes
