// Spans of yaml-cpp nodes in a layout's text, key paths and canonical flow values.
#include "layout_text.h"

#include <twin/base/error.h>

#include <cctype>

namespace twin::scenes::text {
namespace {

bool IsBlank(char c) {
  return c == ' ' || c == '\t';
}

// A quoted scalar from its opening quote: index just past the closing one.
size_t QuotedEnd(const std::string& text, size_t begin) {
  const char quote = text[begin];
  for (size_t i = begin + 1; i < text.size(); ++i) {
    if (quote == '"' && text[i] == '\\') {
      ++i;
    } else if (text[i] == quote) {
      if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
        ++i;  // '' is a quote inside a single-quoted scalar
      } else {
        return i + 1;
      }
    }
  }
  return text.size();
}

bool NeedsQuotes(const std::string& s) {
  if (s.empty() || IsBlank(s.front()) || IsBlank(s.back())) return true;
  if (std::string("-?:,[]{}#&*!|>'\"%@`").find(s.front()) != std::string::npos) {
    // "-1" and "-x" read back as written; "- x", ": x" and the indicators do not.
    if (!(s.front() == '-' && s.size() > 1 && s[1] != ' ')) return true;
  }
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '\n' || c == ',' || c == '[' || c == ']' || c == '{' || c == '}') return true;
    if (c == ':' && (i + 1 == s.size() || s[i + 1] == ' ')) return true;
    if (c == '#' && i > 0 && s[i - 1] == ' ') return true;
  }
  return false;
}

std::string DoubleQuoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::vector<Segment> ParsePath(const std::string& path) {
  auto bad = [&](const std::string& why) {
    return base::Error("key path '" + path + "': " + why +
                       " (paths look like equipment.infeed.speed, equipment[name=infeed].speed, "
                       "site.walls[0].height)");
  };
  std::vector<Segment> out;
  size_t i = 0;
  if (path.empty()) throw bad("empty");
  while (i <= path.size()) {
    Segment seg;
    const size_t key_end = path.find_first_of(".[", i);
    seg.key = path.substr(i, key_end == std::string::npos ? std::string::npos : key_end - i);
    i = key_end == std::string::npos ? path.size() : key_end;
    if (i < path.size() && path[i] == '[') {
      const size_t close = path.find(']', i);
      if (close == std::string::npos) throw bad("'[' without ']'");
      const std::string sel = path.substr(i + 1, close - i - 1);
      seg.select = true;
      if (const size_t eq = sel.find('='); eq != std::string::npos) {
        seg.field = sel.substr(0, eq);
        seg.value = sel.substr(eq + 1);
        if (seg.field.empty() || seg.value.empty()) throw bad("selector '[" + sel + "]'");
      } else {
        if (sel.empty() || sel.find_first_not_of("0123456789") != std::string::npos) {
          throw bad("selector '[" + sel + "]' is neither an index nor FIELD=VALUE");
        }
        seg.by_index = true;
        seg.index = std::stoul(sel);
      }
      i = close + 1;
    }
    if (seg.key.empty() && !seg.select) throw bad("empty segment");
    out.push_back(seg);
    if (i >= path.size()) break;
    if (path[i] != '.') throw bad("expected '.' after ']'");
    ++i;
    if (i == path.size()) throw bad("ends with '.'");
  }
  return out;
}

size_t ScalarEnd(const std::string& text, size_t begin, bool in_flow) {
  if (begin < text.size() && (text[begin] == '"' || text[begin] == '\'')) {
    return QuotedEnd(text, begin);
  }
  size_t i = begin;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n' || c == '\r') break;
    if (c == '#' && i > begin && IsBlank(text[i - 1])) break;
    if (in_flow && (c == ',' || c == ']' || c == '}')) break;
    if (c == ':' && (i + 1 == text.size() || IsBlank(text[i + 1]) || text[i + 1] == '\n' ||
                     (in_flow && (text[i + 1] == ',' || text[i + 1] == '}')))) {
      break;  // a key's colon
    }
  }
  while (i > begin && IsBlank(text[i - 1])) --i;
  return i;
}

size_t FlowEnd(const std::string& text, size_t begin) {
  int depth = 0;
  for (size_t i = begin; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"' || c == '\'') {
      // Only a quote that starts a scalar quotes (after [ { , : or a blank).
      const char before = i > begin ? text[i - 1] : ' ';
      if (before == '[' || before == '{' || before == ',' || before == ':' || IsBlank(before) ||
          before == '\n') {
        i = QuotedEnd(text, i) - 1;
      }
    } else if (c == '#' && i > 0 && (IsBlank(text[i - 1]) || text[i - 1] == '\n')) {
      i = LineEnd(text, i) - 1;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if (c == ']' || c == '}') {
      if (--depth == 0) return i + 1;
    }
  }
  return text.size();
}

size_t AfterColon(const std::string& text, size_t key_begin) {
  const size_t key_end = ScalarEnd(text, key_begin, /*in_flow=*/true);
  const size_t colon = text.find(':', key_end);
  return colon == std::string::npos ? text.size() : colon + 1;
}

bool IsFlow(const YAML::Node& node) {
  return (node.IsMap() || node.IsSequence()) && node.Style() == YAML::EmitterStyle::Flow;
}

UnsupportedScalar::UnsupportedScalar(size_t l, size_t c, const std::string& what)
    : base::Error(std::to_string(l + 1) + ":" + std::to_string(c + 1) + ": " + what),
      line(l),
      column(c) {}

Span NodeSpan(const std::string& text, const YAML::Node& node, bool in_flow) {
  const size_t begin = node.Mark().pos;
  if (node.IsScalar()) {
    const Span span{begin, ScalarEnd(text, begin, in_flow)};
    const char first = begin < text.size() ? text[begin] : '\0';
    if (first == '|' || first == '>') {
      throw UnsupportedScalar(node.Mark().line, node.Mark().column,
                              "a block scalar ('" + std::string(1, first) +
                                  "'), which layout edits do not change; write it as one "
                                  "quoted line (\"first\\nsecond\") or edit the file by hand");
    }
    // A plain scalar's value is its text, so one longer than its text on this line goes on.
    if (first != '"' && first != '\'' && node.Scalar().size() > span.end - span.begin) {
      throw UnsupportedScalar(node.Mark().line, node.Mark().column,
                              "a plain scalar continued on the next line, which layout edits do "
                              "not change; join it into one line (quote it if needed) first");
    }
    return span;
  }
  if (IsFlow(node)) return {begin, FlowEnd(text, begin)};
  if (node.IsMap() && node.size() > 0) {
    YAML::Node last_key, last_value;
    for (auto kv : node) {
      last_key.reset(kv.first);
      last_value.reset(kv.second);
    }
    return {begin, ValueSpan(text, last_key, last_value, false).end};
  }
  if (node.IsSequence() && node.size() > 0) {
    const YAML::Node last = node[node.size() - 1];
    if (last.IsNull()) return {begin, text.find('-', LineStart(text, last.Mark().pos)) + 1};
    return {begin, NodeSpan(text, last, false).end};
  }
  return {begin, begin};
}

Span ValueSpan(const std::string& text, const YAML::Node& key, const YAML::Node& value,
               bool in_flow) {
  const size_t colon = AfterColon(text, key.Mark().pos);
  if (!value.IsNull()) return NodeSpan(text, value, in_flow);
  // A null: `~` or `null` written after the colon, or nothing (yaml-cpp then marks the next token).
  size_t i = colon;
  while (i < text.size() && IsBlank(text[i])) ++i;
  if (i < text.size() && text[i] != '\n' && text[i] != '#' && text[i] != ',' && text[i] != '}') {
    return {i, ScalarEnd(text, i, in_flow)};
  }
  return {colon, colon};
}

size_t LineStart(const std::string& text, size_t at) {
  const size_t nl = at == 0 ? std::string::npos : text.rfind('\n', at - 1);
  return nl == std::string::npos ? 0 : nl + 1;
}

size_t LineEnd(const std::string& text, size_t at) {
  const size_t nl = text.find('\n', at);
  return nl == std::string::npos ? text.size() : nl;
}

std::string FlowText(const YAML::Node& node) {
  if (node.IsSequence()) {
    std::string out = "[";
    for (size_t i = 0; i < node.size(); ++i) out += (i ? ", " : "") + FlowText(node[i]);
    return out + "]";
  }
  if (node.IsMap()) {
    std::string out = "{";
    bool first = true;
    for (auto kv : node) {
      out += (first ? "" : ", ") + FlowText(kv.first) + ": " + FlowText(kv.second);
      first = false;
    }
    return out + "}";
  }
  if (node.IsScalar()) {
    const std::string& s = node.Scalar();
    return node.Tag() == "!" || NeedsQuotes(s) ? DoubleQuoted(s) : s;
  }
  return "null";
}

std::string ValueText(const std::string& yaml, const std::string& what) {
  YAML::Node node;
  try {
    node = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    throw base::Error(what + ": '" + yaml + "' is not a YAML value (" + e.msg + ")");
  }
  if (node.IsMap() || node.IsSequence()) return FlowText(node);
  size_t b = 0, e = yaml.size();
  while (b < e && std::isspace(static_cast<unsigned char>(yaml[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(yaml[e - 1]))) --e;
  const std::string trimmed = yaml.substr(b, e - b);
  if (trimmed.empty() || trimmed.find('\n') != std::string::npos || trimmed[0] == '#') {
    return FlowText(node);
  }
  if (trimmed[0] != '"' && trimmed[0] != '\'' && NeedsQuotes(trimmed)) return FlowText(node);
  return trimmed;
}

}  // namespace twin::scenes::text
