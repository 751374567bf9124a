// FormatLayout: the layout re-emitted from its parse tree, with the comments, blank lines and
// scalar text taken from the source between and at the nodes.
#include <twin/scenes/layout_format.h>

#include <twin/base/error.h>

#include "layout_text.h"

namespace twin::scenes {
namespace {

std::string Indent(size_t n) {
  return std::string(n, ' ');
}

bool SameTree(const YAML::Node& a, const YAML::Node& b) {
  if (a.Type() != b.Type()) return false;
  if (a.IsScalar()) return a.Scalar() == b.Scalar() && (a.Tag() == "!") == (b.Tag() == "!");
  if (a.size() != b.size()) return false;
  if (a.IsSequence()) {
    for (size_t i = 0; i < a.size(); ++i) {
      if (!SameTree(a[i], b[i])) return false;
    }
    return true;
  }
  if (a.IsMap()) {
    auto ia = a.begin();
    for (auto ib = b.begin(); ib != b.end(); ++ia, ++ib) {
      if (!SameTree(ia->first, ib->first) || !SameTree(ia->second, ib->second)) return false;
    }
  }
  return true;
}

class Formatter {
 public:
  explicit Formatter(const std::string& src) : src_(src) {}

  std::string Run(const YAML::Node& root) {
    if (root.IsMap() && root.size() > 0) EmitBlockMap(root, 0, false);
    // Comments after the last node.
    Leading(src_.size(), 0);
    while (!out_.empty() && out_.back() == '\n') out_.pop_back();
    return out_.empty() ? out_ : out_ + "\n";
  }

 private:
  // The rest of the source line after `end`: its comment (with the spacing before it), then the
  // line break. The cursor moves to the next line.
  void Trailing(size_t end) {
    const size_t line_end = text::LineEnd(src_, end);
    const size_t hash = src_.find('#', end);
    if (hash < line_end) {
      const size_t spaces = hash - src_.find_last_not_of(" \t", hash - 1) - 1;
      out_ += Indent(std::max<size_t>(spaces, 1)) + Chomp(src_.substr(hash, line_end - hash));
    }
    out_ += "\n";
    cursor_ = std::min(line_end + 1, src_.size());
  }

  // The whole lines between the cursor and the line of `next`: comments at `indent`, at most one
  // blank line in a row (none at the start of the file).
  void Leading(size_t next, size_t indent) {
    const size_t stop = next >= src_.size() ? src_.size() : text::LineStart(src_, next);
    bool blank = false;
    while (cursor_ < stop) {
      const size_t line_end = text::LineEnd(src_, cursor_);
      const std::string line = Chomp(src_.substr(cursor_, line_end - cursor_));
      const size_t first = line.find_first_not_of(" \t");
      if (first == std::string::npos) {
        blank = true;
      } else if (line[first] == '#') {
        if (blank && !out_.empty()) out_ += "\n";
        blank = false;
        out_ += Indent(indent) + line.substr(first) + "\n";
      } else {
        throw base::Error("unexpected text '" + line + "'");
      }
      cursor_ = std::min(line_end + 1, src_.size());
    }
    if (blank && !out_.empty()) out_ += "\n";
  }

  static std::string Chomp(std::string s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.pop_back();
    return s;
  }

  std::string Slice(text::Span span) const {
    return src_.substr(span.begin, span.end - span.begin);
  }

  size_t Column() const {
    const size_t nl = out_.rfind('\n');
    return nl == std::string::npos ? out_.size() : out_.size() - nl - 1;
  }

  void EmitBlockMap(const YAML::Node& map, size_t indent, bool first_inline) {
    bool first = true;
    for (auto kv : map) {
      if (!(first && first_inline)) {
        Leading(kv.first.Mark().pos, indent);
        out_ += Indent(indent);
      }
      first = false;
      out_ += Slice(text::NodeSpan(src_, kv.first, false)) + ":";
      EmitValue(kv.first, kv.second, indent);
    }
  }

  // A mapping value, after "key:".
  void EmitValue(const YAML::Node& key, const YAML::Node& value, size_t indent) {
    if (value.IsMap() && !text::IsFlow(value) && value.size() > 0) {
      Trailing(text::AfterColon(src_, key.Mark().pos));
      EmitBlockMap(value, indent + 2, false);
    } else if (value.IsSequence() && !text::IsFlow(value) && value.size() > 0) {
      Trailing(text::AfterColon(src_, key.Mark().pos));
      EmitBlockSeq(value, indent + 2);
    } else {
      const text::Span span = text::ValueSpan(src_, key, value, false);
      if (span.begin != span.end) out_ += " ";
      EmitInline(value, span);
      Trailing(std::max(span.end, text::AfterColon(src_, key.Mark().pos)));
    }
  }

  void EmitBlockSeq(const YAML::Node& seq, size_t indent) {
    for (const YAML::Node& item : seq) {
      if (item.IsNull()) throw base::Error("an empty list item");
      Leading(item.Mark().pos, indent);
      out_ += Indent(indent) + "- ";
      if (item.IsMap() && !text::IsFlow(item)) {
        EmitBlockMap(item, indent + 2, true);
      } else if (item.IsSequence() && !text::IsFlow(item)) {
        throw base::Error("a list directly inside a list item");
      } else {
        const text::Span span = text::NodeSpan(src_, item, false);
        EmitInline(item, span);
        Trailing(span.end);
      }
    }
  }

  // A scalar as written, or a flow collection spaced canonically (verbatim if it holds comments).
  void EmitInline(const YAML::Node& node, text::Span span) {
    if (!text::IsFlow(node)) {
      out_ += Slice(span);
      return;
    }
    const std::string written = Slice(span);
    for (size_t i = 1; i < written.size(); ++i) {
      if (written[i] == '#' && (written[i - 1] == ' ' || written[i - 1] == '\n')) {
        out_ += written;  // comments inside a flow collection: kept as they are
        return;
      }
    }
    EmitFlow(node, Column() + 1);
  }

  void EmitFlow(const YAML::Node& node, size_t continuation) {
    if (!text::IsFlow(node)) {
      out_ += Slice(text::NodeSpan(src_, node, true));
      return;
    }
    out_ += node.IsMap() ? "{" : "[";
    size_t previous_end = node.Mark().pos + 1;
    bool first = true;
    auto separator = [&](size_t next_begin) {
      if (first) return;
      const bool broke = src_.find('\n', previous_end) < next_begin;
      out_ += broke ? ",\n" + Indent(continuation) : ", ";
    };
    if (node.IsMap()) {
      for (auto kv : node) {
        separator(kv.first.Mark().pos);
        first = false;
        out_ += Slice(text::NodeSpan(src_, kv.first, true)) + ":";
        const text::Span span = text::ValueSpan(src_, kv.first, kv.second, true);
        if (span.begin != span.end) out_ += " ";
        if (!kv.second.IsNull() || span.begin != span.end) EmitFlow(kv.second, continuation);
        previous_end = std::max(span.end, text::AfterColon(src_, kv.first.Mark().pos));
      }
    } else {
      for (const YAML::Node& item : node) {
        separator(item.Mark().pos);
        first = false;
        EmitFlow(item, continuation);
        previous_end = text::NodeSpan(src_, item, true).end;
      }
    }
    out_ += node.IsMap() ? "}" : "]";
  }

  const std::string& src_;
  std::string out_;
  size_t cursor_ = 0;
};

}  // namespace

std::string FormatLayout(const std::string& text, const std::string& shown) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw base::Error(shown + ":" + std::to_string(e.mark.line + 1) + ":" +
                      std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  if (!root.IsNull() && !root.IsMap()) {
    throw base::Error(shown + ": a layout is a mapping of sections; fmt leaves this file alone");
  }
  std::string out;
  try {
    out = Formatter(text).Run(root);
    if (!SameTree(YAML::Load(out), root)) throw base::Error("the values would change");
  } catch (const base::Error& e) {
    throw base::Error(shown + ": cannot format it (" + e.what() +
                      "; fmt keeps plain YAML only: no anchors, block scalars, multi-line plain "
                      "scalars or lists in lists); the file is left as it is");
  } catch (const YAML::Exception& e) {
    throw base::Error(shown + ": cannot format it (" + e.msg + "); the file is left as it is");
  }
  return out;
}

}  // namespace twin::scenes
