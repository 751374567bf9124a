#include "report.h"

namespace twin::tools {

void PrintAnomalies(const sim::World& world, std::FILE* out) {
  if (world.anomalies().empty()) {
    std::fprintf(out, "  warnings    none\n");
    return;
  }
  std::fprintf(out, "  warnings    %zu kind(s):\n", world.anomalies().size());
  for (const sim::Anomaly& a : world.anomalies()) {
    std::fprintf(out, "    %-12s x%-6lld first at step %lld (t = %.4f s)%s%s\n",
                 sim::AnomalyKindName(a.kind), static_cast<long long>(a.count),
                 static_cast<long long>(a.first_step), a.first_time, a.where.empty() ? "" : ": ",
                 a.where.c_str());
  }
}

bool HasSeriousAnomaly(const sim::World& world) {
  for (const sim::Anomaly& a : world.anomalies()) {
    if (sim::IsDivergence(a.kind) || a.kind == sim::AnomalyKind::kContactFull ||
        a.kind == sim::AnomalyKind::kConstraintFull) {
      return true;
    }
  }
  return false;
}

}  // namespace twin::tools
