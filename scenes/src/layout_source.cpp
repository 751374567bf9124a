// LayoutSource: reading a layout's files and patching their text by key path.
#include <twin/scenes/layout_source.h>

#include <twin/base/error.h>
#include <twin/base/suggest.h>

#include "layout_text.h"

#include <algorithm>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>

namespace twin::scenes {
namespace fs = std::filesystem;
using text::Segment;

namespace {

std::string ReadBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw base::Error("cannot read layout '" + path.string() + "'");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

YAML::Node Parse(const LayoutSourceFile& file) {
  try {
    return YAML::Load(file.text);
  } catch (const YAML::Exception& e) {
    throw base::Error(file.path.string() + ":" + std::to_string(e.mark.line + 1) + ":" +
                      std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
}

std::string JoinPath(const std::vector<Segment>& segs) {
  std::string out;
  for (const Segment& s : segs) {
    if (!out.empty() && !s.key.empty()) out += '.';
    out += s.key;
    if (s.select) {
      out += "[" + (s.by_index ? std::to_string(s.index) : s.field + "=" + s.value) + "]";
    }
  }
  return out;
}

// No item in a sequence matches a selector: which segment, and the names that exist.
struct ItemMissing {
  size_t segment;
  std::vector<Segment> segs;  // with the failing segment in explicit [field=value] form
  std::vector<std::string> known;
};

// Where a walk along a key path ended.
struct Reached {
  size_t matched = 0;           // segments matched; all of them when the node exists
  YAML::Node node;              // the node reached (the map missing the next key when incomplete)
  YAML::Node parent;            // the collection holding `node` (null at the root)
  YAML::Node key;               // `node`'s key when the parent is a mapping
  bool in_flow = false;         // `node` sits inside a flow collection
  bool parent_in_flow = false;  // `parent` does
  size_t index = 0;             // `node`'s index when the parent is a sequence
};

YAML::Node Child(const YAML::Node& map, const std::string& key, YAML::Node* key_node) {
  for (auto kv : map) {
    if (kv.first.IsScalar() && kv.first.Scalar() == key) {
      key_node->reset(kv.first);
      return kv.second;
    }
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

std::vector<std::string> Keys(const YAML::Node& map) {
  std::vector<std::string> keys;
  for (auto kv : map) keys.push_back(kv.first.Scalar());
  return keys;
}

void Step(Reached& at, YAML::Node next, YAML::Node key, size_t index) {
  at.parent_in_flow = at.in_flow;
  at.in_flow = at.in_flow || text::IsFlow(at.node);
  at.parent.reset(at.node);
  at.key.reset(key);
  at.index = index;
  at.node.reset(next);
}

Reached Walk(const YAML::Node& root, std::vector<Segment> segs, const std::string& path) {
  Reached at;
  at.node.reset(root);
  for (size_t i = 0; i < segs.size(); ++i) {
    at.matched = i;
    Segment& seg = segs[i];
    const std::string so_far = JoinPath({segs.begin(), segs.begin() + i});
    if (!seg.key.empty() && !(at.node.IsSequence() && !seg.select)) {
      if (!at.node.IsMap()) {
        throw base::Error("key path '" + path + "': " + (so_far.empty() ? "the file" : so_far) +
                          " is not a mapping, so it has no key '" + seg.key + "'");
      }
      YAML::Node key;
      YAML::Node value = Child(at.node, seg.key, &key);
      if (!value.IsDefined()) {
        if (seg.select) {
          throw base::Error("key path '" + path + "': no '" + seg.key + "' in " +
                            (so_far.empty() ? "the file" : so_far) +
                            base::UnknownNameHint(seg.key, Keys(at.node), "; it has: "));
        }
        return at;  // an absent key: Set adds it
      }
      Step(at, value, key, 0);
      if (!seg.select) continue;
      seg.key.clear();  // the selector applies to the value just reached
    } else if (!seg.select) {
      seg = Segment{.key = "", .select = true, .field = "name", .value = seg.key};
    }
    if (!at.node.IsSequence()) {
      throw base::Error("key path '" + path + "': " + JoinPath({segs.begin(), segs.begin() + i}) +
                        " is not a list, so it has no item [" +
                        (seg.by_index ? std::to_string(seg.index) : seg.field + "=" + seg.value) +
                        "]");
    }
    if (seg.by_index) {
      if (seg.index >= at.node.size()) {
        throw base::Error("key path '" + path + "': index " + std::to_string(seg.index) +
                          " is past the end of a list of " + std::to_string(at.node.size()));
      }
      Step(at, at.node[seg.index], YAML::Node(), seg.index);
      continue;
    }
    std::vector<std::string> known;
    bool found = false;
    for (size_t k = 0; k < at.node.size() && !found; ++k) {
      const YAML::Node item = at.node[k];
      YAML::Node unused;
      const YAML::Node field = item.IsMap() ? Child(item, seg.field, &unused) : YAML::Node();
      if (!field.IsDefined() || !field.IsScalar()) continue;
      known.push_back(field.Scalar());
      if (field.Scalar() == seg.value) {
        Step(at, item, YAML::Node(), k);
        found = true;
      }
    }
    if (!found) {
      segs[i].key.clear();
      Segment explicit_seg = seg;
      std::vector<Segment> rebuilt = segs;
      rebuilt[i] = explicit_seg;
      throw ItemMissing{i, rebuilt, known};
    }
  }
  at.matched = segs.size();
  return at;
}

// Walk for an edit: an item that is missing becomes the user's message.
Reached WalkTo(const YAML::Node& root, const std::vector<Segment>& segs, const std::string& path) {
  try {
    return Walk(root, segs, path);
  } catch (const ItemMissing& missing) {
    const Segment& seg = missing.segs[missing.segment];
    throw base::Error("key path '" + path + "': no item with " + seg.field + " '" + seg.value +
                      "'" + base::UnknownNameHint(seg.value, missing.known, "; the items are: "));
  }
}

std::string Indent(size_t n) {
  return std::string(n, ' ');
}

// `{a: {b: value}}` for the keys still missing below an existing mapping.
std::string Nested(const std::vector<Segment>& segs, size_t from, const std::string& value) {
  std::string out = value;
  for (size_t i = segs.size() - 1; i > from; --i) out = "{" + segs[i].key + ": " + out + "}";
  return out;
}

// The items of the sequence at `at` as they end: just past the last item's text.
size_t LastItemEnd(const std::string& text, const YAML::Node& seq) {
  return text::NodeSpan(text, seq, /*in_flow=*/false).end;
}

// Edits splice bytes and write '\n' line ends: refuse a file where that would corrupt it.
void CheckEditable(const LayoutSourceFile& f) {
  if (f.text.rfind("\xEF\xBB\xBF", 0) == 0) {
    throw base::Error(f.path.string() +
                      ":1:1: the file starts with a byte-order mark, which layout edits do not "
                      "handle; remove it (its first 3 bytes) and edit again");
  }
  if (const size_t cr = f.text.find('\r'); cr != std::string::npos) {
    const size_t line = std::count(f.text.begin(), f.text.begin() + cr, '\n') + 1;
    const size_t column = cr - text::LineStart(f.text, cr) + 1;
    throw base::Error(f.path.string() + ":" + std::to_string(line) + ":" + std::to_string(column) +
                      ": a carriage return (CRLF line ends), which layout edits do not handle; "
                      "convert the file to LF line ends (dos2unix) and edit again");
  }
}

// A value the edit cannot span, named with its file.
base::Error InFile(const LayoutSourceFile& f, const text::UnsupportedScalar& e) {
  return base::Error(f.path.string() + ":" + e.what());
}

}  // namespace

LayoutSource LayoutSource::Open(const fs::path& layout) {
  LayoutSource source;
  source.files_.push_back({layout, ReadBytes(layout), ""});
  source.files_.back().text = source.files_.back().original;
  source.includes_.emplace_back();
  source.ReadIncludes(0);
  return source;
}

LayoutSource LayoutSource::FromText(std::string text, const fs::path& path) {
  LayoutSource source;
  source.files_.push_back({path, text, text});
  source.includes_.emplace_back();
  return source;
}

void LayoutSource::ReadIncludes(size_t file) {
  const YAML::Node root = Parse(files_[file]);
  YAML::Node unused;
  const YAML::Node list = root.IsMap() ? Child(root, "include", &unused) : YAML::Node();
  if (!list.IsDefined() || !list.IsSequence()) return;
  for (const YAML::Node& inc : list) {
    const YAML::Node file_key = inc.IsMap() ? Child(inc, "file", &unused) : YAML::Node();
    if (!file_key.IsDefined() || !file_key.IsScalar()) continue;
    const YAML::Node prefix_key = Child(inc, "prefix", &unused);
    const fs::path rel = file_key.Scalar();
    if (rel.extension() != ".yaml" && rel.extension() != ".yml") continue;
    const fs::path path = (files_[file].path.parent_path() / rel).lexically_normal();
    const std::string prefix =
        prefix_key.IsDefined() && prefix_key.IsScalar() ? prefix_key.Scalar() : "";
    size_t index = files_.size();
    for (size_t k = 0; k < files_.size(); ++k) {
      if (files_[k].path == path) index = k;
    }
    if (index == files_.size()) {
      files_.push_back({path, ReadBytes(path), ""});
      files_.back().text = files_.back().original;
      includes_.emplace_back();
      ReadIncludes(index);
    }
    includes_[file].push_back({index, prefix});
  }
}

std::pair<size_t, std::string> LayoutSource::Locate(const std::string& path) const {
  // Depth-first through the includes: the first file whose item the name (less the prefixes of
  // the includes on the way) names.
  if (includes_[0].empty()) return {0, path};  // one file: the edit's own walk reports misses
  std::vector<std::string> all_known;
  std::optional<ItemMissing> top_missing;  // the main file's
  std::function<bool(size_t, const std::string&, const std::string&,
                     std::pair<size_t, std::string>*)>
      find = [&](size_t file, const std::string& p, const std::string& prefix,
                 std::pair<size_t, std::string>* out) {
        try {
          const std::vector<Segment> segs = text::ParsePath(p);
          const Reached r = Walk(Parse(files_[file]), segs, p);
          if (r.matched == 0 && !includes_[file].empty()) {
            // The section is absent here: its items may all come from includes.
            std::vector<Segment> named = segs;
            if (!named[0].select && named.size() > 1 && !named[1].select) {
              named[1] = Segment{.key = "", .select = true, .field = "name", .value = segs[1].key};
              throw ItemMissing{1, named, {}};
            }
            if (named[0].select && !named[0].by_index) throw ItemMissing{0, named, {}};
          }
          *out = {file, p};
          return true;
        } catch (const ItemMissing& missing) {
          if (file == 0 && !top_missing) top_missing = missing;
          for (const std::string& n : missing.known) all_known.push_back(prefix + n);
          const Segment& seg = missing.segs[missing.segment];
          if (missing.segment > 1 || seg.field != "name") return false;
          for (const Include& inc : includes_[file]) {
            if (seg.value.rfind(inc.prefix, 0) != 0) continue;
            std::vector<Segment> inner = missing.segs;
            inner[missing.segment].value = seg.value.substr(inc.prefix.size());
            if (find(inc.file, JoinPath(inner), prefix + inc.prefix, out)) return true;
          }
          return false;
        }
      };
  std::pair<size_t, std::string> out;
  if (find(0, path, "", &out)) return out;
  // Not found anywhere: name the missing item with the names that exist.
  if (!top_missing) return {0, path};  // unreachable: find() fails only on a missing item
  const Segment& seg = top_missing->segs[top_missing->segment];
  throw base::Error("key path '" + path + "': no item with " + seg.field + " '" + seg.value + "'" +
                    base::UnknownNameHint(seg.value, all_known, "; the items are: "));
}

void LayoutSource::Set(const std::string& path, const std::string& value) {
  const auto [file, in_file] = Locate(path);
  SetIn(file, in_file, value, path);
}

void LayoutSource::SetIn(size_t file, const std::string& in_file, const std::string& value,
                         const std::string& shown) {
  const std::string& path = shown.empty() ? in_file : shown;
  CheckEditable(files_[file]);
  try {
    const std::vector<Segment> segs = text::ParsePath(in_file);
    std::string& text = files_[file].text;
    const Reached at = WalkTo(Parse(files_[file]), segs, in_file);
    const std::string v = text::ValueText(value, "key path '" + path + "'");
    if (at.matched == segs.size()) {
      text::Span span;
      if (at.parent.IsMap()) {
        span = text::ValueSpan(text, at.key, at.node, at.parent_in_flow || text::IsFlow(at.parent));
        if (!at.node.IsNull() && !at.node.IsScalar() && !text::IsFlow(at.node)) {
          // A block collection becomes the flow value, on the key's line.
          span.begin = text::AfterColon(text, at.key.Mark().pos);
        }
      } else if (at.parent.IsSequence()) {
        span = text::NodeSpan(text, at.node, at.in_flow);
      } else {
        throw base::Error("key path '" + path + "' names the whole file");
      }
      const bool after_colon =
          span.begin == span.end || (span.begin > 0 && text[span.begin - 1] == ':');
      text.replace(span.begin, span.end - span.begin, (after_colon ? " " : "") + v);
      return;
    }
    // Keys missing from here on: add the first one to the mapping reached, the rest nested in it.
    for (size_t i = at.matched; i < segs.size(); ++i) {
      if (segs[i].select || segs[i].key.empty()) {
        throw base::Error("key path '" + path + "': no '" + segs[at.matched].key +
                          "' to select in");
      }
    }
    const std::string& key = segs[at.matched].key;
    const std::string entry = key + ": " + Nested(segs, at.matched, v);
    const YAML::Node& map = at.node;
    if (!map.IsMap()) throw base::Error("key path '" + path + "': cannot add '" + key + "' here");
    if (text::IsFlow(map)) {
      const size_t close = text::FlowEnd(text, map.Mark().pos) - 1;
      if (map.size() == 0) {
        text.insert(close, entry);
      } else {
        YAML::Node last_key, last_value;
        for (auto kv : map) {
          last_key.reset(kv.first);
          last_value.reset(kv.second);
        }
        text.insert(text::ValueSpan(text, last_key, last_value, true).end, ", " + entry);
      }
      return;
    }
    const size_t end = text::LineEnd(text, text::NodeSpan(text, map, at.in_flow).end);
    const std::string line = "\n" + Indent(map.Mark().column) + entry;
    if (end == text.size()) {
      text += line + "\n";
    } else {
      text.insert(end, line);
    }
  } catch (const text::UnsupportedScalar& e) {
    throw InFile(files_[file], e);
  }
}

void LayoutSource::Append(const std::string& path, const std::string& item) {
  Append(path, std::vector<std::string>{item});
}

void LayoutSource::Append(const std::string& path, const std::vector<std::string>& items) {
  if (items.empty()) return;
  const auto [file, in_file] = Locate(path);
  AppendIn(file, in_file, items, path);
}

void LayoutSource::AppendIn(size_t file, const std::string& in_file,
                            const std::vector<std::string>& items, const std::string& shown) {
  const std::string& path = shown.empty() ? in_file : shown;
  if (items.empty()) return;
  CheckEditable(files_[file]);
  try {
    const std::vector<Segment> segs = text::ParsePath(in_file);
    std::string& text = files_[file].text;
    const Reached at = WalkTo(Parse(files_[file]), segs, in_file);
    std::vector<std::string> values;
    for (const std::string& item : items) values.push_back(text::ValueText(item, "item"));

    if (at.matched < segs.size() || at.node.IsNull()) {
      // No list yet: a block sequence under the key (added at the end of its mapping).
      std::string block;
      const size_t column = at.matched < segs.size()
                                ? at.node.Mark().column
                                : (at.key.IsDefined() ? at.key.Mark().column : 0);
      for (const std::string& v : values) block += "\n" + Indent(column + 2) + "- " + v;
      if (at.matched == segs.size()) {
        text.insert(text::AfterColon(text, at.key.Mark().pos), block);
        return;
      }
      if (at.matched + 1 != segs.size() || !at.node.IsMap() || text::IsFlow(at.node)) {
        throw base::Error("key path '" + path + "': no list '" + segs[at.matched].key +
                          "' to add to");
      }
      const std::string entry = "\n" + Indent(column) + segs[at.matched].key + ":" + block;
      const size_t end = text::LineEnd(text, text::NodeSpan(text, at.node, false).end);
      text.insert(end, end == text.size() ? entry + "\n" : entry);
      return;
    }
    const YAML::Node& seq = at.node;
    if (!seq.IsSequence()) throw base::Error("key path '" + path + "' is not a list");
    if (text::IsFlow(seq)) {
      std::string joined;
      for (const std::string& v : values) joined += (joined.empty() ? "" : ", ") + v;
      if (seq.size() == 0) {
        text.insert(seq.Mark().pos + 1, joined);
      } else {
        text.insert(LastItemEnd(text, seq), ", " + joined);
      }
      return;
    }
    // A block list: each item on its own line(s) at the indentation of the last one, flow when the
    // last one is flow (or a scalar), block when it is a block mapping.
    const YAML::Node last = seq[seq.size() - 1];
    const size_t dash_column = seq.Mark().column;
    std::string lines;
    for (size_t k = 0; k < values.size(); ++k) {
      const YAML::Node parsed = YAML::Load(values[k]);
      if (last.IsMap() && !text::IsFlow(last) && parsed.IsMap() && parsed.size() > 0) {
        const size_t key_column = last.Mark().column;
        bool first = true;
        for (auto kv : parsed) {
          lines += "\n" + Indent(first ? dash_column : key_column) + (first ? "- " : "") +
                   Indent(first ? key_column - dash_column - 2 : 0) + text::FlowText(kv.first) +
                   ": " + text::FlowText(kv.second);
          first = false;
        }
      } else {
        lines += "\n" + Indent(dash_column) + "- " + values[k];
      }
    }
    const size_t end = text::LineEnd(text, LastItemEnd(text, seq));
    text.insert(end, end == text.size() ? lines + "\n" : lines);
  } catch (const text::UnsupportedScalar& e) {
    throw InFile(files_[file], e);
  }
}

void LayoutSource::Remove(const std::string& path) {
  const auto [file, in_file] = Locate(path);
  RemoveIn(file, in_file, path);
}

void LayoutSource::RemoveIn(size_t file, const std::string& in_file, const std::string& shown) {
  const std::string& path = shown.empty() ? in_file : shown;
  CheckEditable(files_[file]);
  try {
    const std::vector<Segment> segs = text::ParsePath(in_file);
    std::string& text = files_[file].text;
    const Reached at = WalkTo(Parse(files_[file]), segs, in_file);
    if (at.matched < segs.size()) throw base::Error("key path '" + path + "': nothing to remove");
    if (!at.parent.IsDefined() || at.parent.IsNull()) {
      throw base::Error("key path '" + path + "' names the whole file");
    }
    const bool parent_map = at.parent.IsMap();
    const size_t begin = parent_map ? at.key.Mark().pos : at.node.Mark().pos;
    const size_t end = parent_map ? text::ValueSpan(text, at.key, at.node, at.in_flow).end
                                  : text::NodeSpan(text, at.node, at.in_flow).end;
    if (at.in_flow) {
      // In a flow collection: the entry and the comma after it (or before it, for the last one).
      const size_t count = at.parent.size();
      const size_t position = parent_map ? [&] {
      size_t k = 0;
      for (auto kv : at.parent) {
        if (static_cast<size_t>(kv.first.Mark().pos) == begin) break;
        ++k;
      }
      return k;
    }()
                                       : at.index;
      if (position + 1 < count) {
        size_t next = text.find(',', end) + 1;
        while (next < text.size() && (text[next] == ' ' || text[next] == '\n')) ++next;
        text.erase(begin, next - begin);
      } else if (count > 1) {
        const size_t comma = text.rfind(',', begin);
        text.erase(comma, end - comma);
      } else {
        text.erase(begin, end - begin);
      }
      return;
    }
    // A block entry: its lines, and the comment lines right above it.
    size_t first = text::LineStart(text, begin);
    const std::string lead = text.substr(first, begin - first);
    if (lead.find_first_not_of(parent_map ? " " : " -") != std::string::npos ||
        (parent_map && lead.find('-') != std::string::npos)) {
      throw base::Error("key path '" + path + "': cannot remove an entry that shares its line");
    }
    while (first > 0) {
      const size_t above = text::LineStart(text, first - 1);
      const std::string line = text.substr(above, first - 1 - above);
      const size_t nonblank = line.find_first_not_of(' ');
      if (nonblank == std::string::npos || line[nonblank] != '#') break;
      first = above;
    }
    size_t last = text::LineEnd(text, end);
    if (last < text.size()) ++last;
    text.erase(first, last - first);
  } catch (const text::UnsupportedScalar& e) {
    throw InFile(files_[file], e);
  }
}

std::string LayoutSource::Text(const std::string& path) const {
  const auto [file, in_file] = Locate(path);
  CheckEditable(files_[file]);
  try {
    const std::vector<Segment> segs = text::ParsePath(in_file);
    const std::string& text = files_[file].text;
    const Reached at = WalkTo(Parse(files_[file]), segs, in_file);
    if (at.matched < segs.size()) {
      throw base::Error("key path '" + path + "': no key '" + segs[at.matched].key + "'" +
                        (at.node.IsMap() ? base::UnknownNameHint(segs[at.matched].key,
                                                                 Keys(at.node), "; there are: ")
                                         : ""));
    }
    const text::Span span = at.parent.IsMap() ? text::ValueSpan(text, at.key, at.node, at.in_flow)
                                              : text::NodeSpan(text, at.node, at.in_flow);
    return text.substr(span.begin, span.end - span.begin);
  } catch (const text::UnsupportedScalar& e) {
    throw InFile(files_[file], e);
  }
}

bool LayoutSource::dirty() const {
  for (const LayoutSourceFile& f : files_) {
    if (f.dirty()) return true;
  }
  return false;
}

std::vector<fs::path> LayoutSource::Save() {
  std::vector<fs::path> written;
  for (LayoutSourceFile& f : files_) {
    if (!f.dirty()) continue;
    WriteFileAtomically(f.path, f.text);
    f.original = f.text;
    written.push_back(f.path);
  }
  return written;
}

}  // namespace twin::scenes
