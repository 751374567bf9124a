// twin bench layout-edit: how long an editor waits to see a one-value change of a layout.
//
// Three rows, timed on the same layout in interleaved rounds (the order rotated by one per round,
// the median of each reported): loading the file from disk (read, parse, expand: the baseline),
// expanding the document already in memory, and a one-value edit of the document (checked against
// the schema, applied and re-expanded: ApplyEdit returns the new expansion). The edit flips one
// numeric parameter of the first item that writes one between its value and 1% more, so every
// round does real work.
#include <twin/base/error.h>
#include <twin/scenes/layout_document.h>
#include <twin/scenes/layout_edit.h>
#include <twin/scenes/scene.h>

#include "bench.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace twin::tools {
namespace {

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

template <typename F>
double Seconds(F&& work) {
  const auto start = std::chrono::steady_clock::now();
  work();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string Cpu() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  }
  return "unknown CPU";
}

// The edit: the first item of the top-level file that writes a real number (not a count).
scenes::edit::SetParameter PickEdit(const scenes::Layout& doc, double* value) {
  for (const scenes::LayoutItem& item : doc.top().items) {
    const scenes::schema::Block* block = scenes::schema::ItemBlock(item.type);
    for (const scenes::LayoutValue& p : item.parameters) {
      const scenes::schema::Param* param = block ? block->Find(p.key) : nullptr;
      if (!param || param->type != scenes::schema::Type::kNumber) continue;
      if (const auto* x = std::get_if<double>(&p.value.data); x && *x > 0) {
        *value = *x;
        return {.item = item.name, .key = p.key, .value = {}, .file = 0, .merge_key = ""};
      }
    }
  }
  throw base::Error(doc.path() +
                    ": no item writes a positive number to edit; bench a layout that does");
}

struct Row {
  const char* name;
  std::function<void()> run;
  std::vector<double> seconds;
};

}  // namespace

int BenchLayoutEdit(const BenchLayoutEditOptions& opt) {
  scenes::Layout doc = scenes::LoadLayoutDocument(opt.scene);
  double value = 0;
  scenes::edit::SetParameter edit = PickEdit(doc, &value);
  const scenes::Scene loaded = scenes::LoadScene(opt.scene);
  int flips = 0;
  std::vector<Row> rows = {
      {"load from disk", [&] { scenes::LoadScene(opt.scene); }, {}},
      {"expand the document", [&] { scenes::Expand(doc); }, {}},
      {"edit one value + expand",
       [&] {
         edit.value.data = (flips++ % 2 == 0) ? value * 1.01 : value;
         const scenes::EditResult result = scenes::ApplyEdit(doc, edit);
         if (!result.ok) throw base::Error("the bench's edit was refused: " + result.error);
       },
       {}},
  };
  std::vector<std::string> orders;
  for (int round = 0; round < opt.repeats; ++round) {
    std::string order;
    for (size_t k = 0; k < rows.size(); ++k) {
      Row& row = rows[(round + k) % rows.size()];
      row.seconds.push_back(Seconds(row.run));
      order += (k ? ", " : "") + std::string(row.name);
    }
    if (round < 3) orders.push_back(order);
  }

  std::printf("twin bench layout-edit: %s\n", opt.scene.c_str());
  std::printf("  %zu entities, %zu bytes of MJCF; edit: %s.%s %g <-> %g; %d rounds (median)\n",
              loaded.site.entities.size(), loaded.mjcf.size(), edit.item.c_str(), edit.key.c_str(),
              value, value * 1.01, opt.repeats);
  const double base = Median(rows[0].seconds);
  std::printf("  %-26s %12s  %s\n", "row", "median time", "vs load from disk");
  for (size_t i = 0; i < rows.size(); ++i) {
    const double t = Median(rows[i].seconds);
    if (i == 0) {
      std::printf("  %-26s %9.3f ms  1.000x (baseline)\n", rows[i].name, t * 1e3);
    } else {
      std::printf("  %-26s %9.3f ms  %.3fx the time of loading\n", rows[i].name, t * 1e3, t / base);
    }
  }
  for (size_t r = 0; r < orders.size(); ++r) {
    std::printf("  round %-5zu %s\n", r + 1, orders[r].c_str());
  }
  const double edit_ms = Median(rows[2].seconds) * 1e3;
  std::printf("  goal        edit one value + expand < 50 ms: %s (%.3f ms)\n",
              edit_ms < 50 ? "met" : "NOT met", edit_ms);
  char date[32];
  const std::time_t now = std::time(nullptr);
  std::strftime(date, sizeof(date), "%Y-%m-%d", std::gmtime(&now));
  std::printf("  machine     %s, %u hardware threads; %s\n", Cpu().c_str(),
              std::thread::hardware_concurrency(), date);
  return 0;
}

}  // namespace twin::tools
