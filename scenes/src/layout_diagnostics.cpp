// Checking a layout: every mistake listed, not only the first (layout_diagnostics.h).
#include <twin/scenes/layout_diagnostics.h>

#include "layout_diagnostics_collector.h"
#include "layout_node.h"
#include "layout_parts.h"

namespace twin::scenes {
namespace internal {

bool DiagnosticsCollector::LeftOut(const std::string& mount) const {
  for (size_t end = mount.size(); end != std::string::npos && end > 0;
       end = end == 0 ? std::string::npos : mount.rfind('/', end - 1)) {
    if (left_out.count(mount.substr(0, end))) return true;
  }
  return false;
}

void DiagnosticsCollector::Add(const base::Error& error) {
  if (list.size() >= limit) {
    truncated = true;
    throw Full{};
  }
  Diagnostic d;
  d.text = error.what();
  if (const auto* located = dynamic_cast<const LayoutError*>(&error)) {
    d.at = located->at();
    d.message = located->message();
  } else {
    d.message = d.text;
  }
  list.push_back(std::move(d));
}

void DiagnosticsCollector::AddWarning(const std::string& text) {
  if (list.size() >= limit) {
    truncated = true;
    return;
  }
  Diagnostic d;
  d.severity = Diagnostic::Severity::kWarning;
  d.text = text;
  d.message = text;
  list.push_back(std::move(d));
}

}  // namespace internal

size_t LayoutCheck::errors() const {
  size_t n = 0;
  for (const Diagnostic& d : diagnostics) n += d.severity == Diagnostic::Severity::kError;
  return n;
}

LayoutCheck CheckLayout(const Layout& layout, size_t limit) {
  internal::DiagnosticsCollector collect(limit);
  LayoutCheck check;
  try {
    Scene scene = internal::ExpandLayout(layout, nullptr, &collect);
    if (collect.list.empty()) {
      for (const std::string& note : scene.site.notes) collect.AddWarning(note);
      check.scene = std::move(scene);
    }
  } catch (const internal::DiagnosticsCollector::Full&) {
  } catch (const base::Error& e) {
    try {
      collect.Add(e);  // a mistake outside every unit (the root is not a mapping)
    } catch (const internal::DiagnosticsCollector::Full&) {
    }
  }
  check.diagnostics = std::move(collect.list);
  check.truncated = collect.truncated;
  return check;
}

LayoutCheck CheckLayoutFile(const std::string& path, size_t limit) {
  try {
    return CheckLayout(LoadLayoutDocument(path), limit);
  } catch (const base::Error& e) {
    internal::DiagnosticsCollector collect(limit);
    collect.Add(e);
    LayoutCheck check;
    check.diagnostics = std::move(collect.list);
    return check;
  }
}

}  // namespace twin::scenes
