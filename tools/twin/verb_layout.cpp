// twin layout schema|fmt|set|generate: the layout schema (JSON Schema for editors, or the
// reference tables of scenes/README.md), canonical formatting, scripted edits that keep the rest
// of the file as written, and the generated built-in twins.
#include <twin/base/error.h>
#include <twin/scenes/layout_format.h>
#include <twin/scenes/layout_schema.h>
#include <twin/scenes/layout_source.h>
#include <twin/scenes/scene.h>

#include "layout_generate.h"
#include "unified_diff.h"
#include "verbs.h"

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

namespace twin::tools {
namespace {

struct SchemaOptions {
  bool markdown = false;
};

struct FmtOptions {
  std::vector<std::string> files;
  bool check = false;
};

struct SetOptions {
  std::string file;
  std::vector<std::string> assignments;
};

struct GenerateOptions {
  std::string name;
  std::string output;
};

int PrintSchema(const SchemaOptions& opt) {
  const std::string text =
      opt.markdown ? scenes::schema::MarkdownReference() : scenes::schema::JsonSchema();
  std::fwrite(text.data(), 1, text.size(), stdout);
  return kExitOk;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw base::Error("cannot read '" + path + "'");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// fmt: rewrites each file in canonical form, or (--check) prints the diff and exits 1 when one
// is not canonical.
int Format(const FmtOptions& opt) {
  int code = kExitOk;
  for (const std::string& file : opt.files) {
    const std::string before = ReadFile(file);
    const std::string after = scenes::FormatLayout(before, file);
    if (before == after) continue;
    if (opt.check) {
      const std::string diff = UnifiedDiff(before, after, file);
      std::fwrite(diff.data(), 1, diff.size(), stdout);
      std::fprintf(stderr, "twin layout fmt: %s is not formatted (run 'twin layout fmt %s')\n",
                   file.c_str(), file.c_str());
      code = kExitError;
    } else {
      scenes::WriteFileAtomically(file, after);
    }
  }
  return code;
}

// "equipment[name=a].speed=0.5" -> path, value: the first '=' outside brackets.
std::pair<std::string, std::string> SplitAssignment(const std::string& assignment) {
  int depth = 0;
  for (size_t i = 0; i < assignment.size(); ++i) {
    const char c = assignment[i];
    if (c == '[') ++depth;
    if (c == ']') --depth;
    if (c == '=' && depth == 0) return {assignment.substr(0, i), assignment.substr(i + 1)};
  }
  throw base::Error("'" + assignment +
                    "' is not PATH=VALUE (for example equipment.infeed.speed=0.5)");
}

// set: patches the text, loads the result with the layout loader, and only then saves.
int SetValues(const SetOptions& opt) {
  scenes::LayoutSource doc = scenes::LayoutSource::Open(opt.file);
  try {
    for (const std::string& assignment : opt.assignments) {
      const auto [path, value] = SplitAssignment(assignment);
      doc.Set(path, value);
    }
  } catch (const base::Error& e) {
    throw base::Error(std::string(e.what()) + "\n" + opt.file + " is left unchanged");
  }
  if (!doc.dirty()) return kExitOk;
  bool only_main = true;
  for (size_t i = 1; i < doc.files().size(); ++i) only_main = only_main && !doc.files()[i].dirty();
  const std::string dir = std::filesystem::path(opt.file).parent_path().string();
  if (only_main) {
    try {
      scenes::LoadLayoutText(doc.main().text, opt.file, dir.empty() ? "." : dir);
    } catch (const base::Error& e) {
      throw base::Error(std::string(e.what()) + "\n" + opt.file + " is left unchanged");
    }
    doc.Save();
    return kExitOk;
  }
  // An included layout changed: the loader reads includes from disk, so write, load, and put the
  // old bytes back if the layout no longer loads.
  std::vector<scenes::LayoutSourceFile> before = doc.files();
  doc.Save();
  try {
    scenes::LoadScene(opt.file);
  } catch (const base::Error& e) {
    for (const scenes::LayoutSourceFile& f : before) {
      if (f.dirty()) scenes::WriteFileAtomically(f.path, f.original);
    }
    throw base::Error(std::string(e.what()) + "\nthe layout's files are left unchanged");
  }
  return kExitOk;
}

int Generate(const GenerateOptions& opt) {
  const std::string text = GenerateLayout(opt.name);
  if (opt.output.empty() || opt.output == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
  } else {
    scenes::WriteFileAtomically(opt.output, text);
  }
  return kExitOk;
}

}  // namespace

void AddLayoutVerb(CLI::App& app, int* exit_code) {
  CLI::App* verb =
      app.add_subcommand("layout", "Work with layout files (schema, fmt, set, generate)");
  verb->require_subcommand(1);

  auto opt = std::make_shared<SchemaOptions>();
  CLI::App* schema = verb->add_subcommand(
      "schema",
      "Print the layout schema as JSON Schema (draft-07), for editors such as VS Code's YAML "
      "extension: add '# yaml-language-server: $schema=FILE' to a layout");
  schema->add_flag("--markdown", opt->markdown,
                   "Print the reference tables of scenes/README.md instead");
  schema->callback([opt, exit_code] { *exit_code = PrintSchema(*opt); });

  auto fmt_opt = std::make_shared<FmtOptions>();
  CLI::App* fmt = verb->add_subcommand(
      "fmt", "Rewrite layouts in canonical form (comments kept; scenes/README.md 'Formatting')");
  fmt->add_option("files", fmt_opt->files, "Layout files (.yaml)")
      ->required()
      ->check(CLI::ExistingFile);
  fmt->add_flag("--check", fmt_opt->check,
                "Change nothing; print a unified diff and exit 1 when a file is not canonical");
  fmt->callback([fmt_opt, exit_code] { *exit_code = Format(*fmt_opt); });

  auto set_opt = std::make_shared<SetOptions>();
  CLI::App* set = verb->add_subcommand(
      "set",
      "Set values in a layout, keeping the rest of its text, e.g. equipment.infeed.speed=0.5 "
      "equipment.amr1.pose.position=[1,2,0]; the result must load, else nothing is written");
  set->add_option("file", set_opt->file, "Layout file (.yaml)")
      ->required()
      ->check(CLI::ExistingFile);
  set->add_option("assignments", set_opt->assignments, "PATH=VALUE (scenes/README.md 'Key paths')")
      ->required();
  set->callback([set_opt, exit_code] { *exit_code = SetValues(*set_opt); });

  auto gen_opt = std::make_shared<GenerateOptions>();
  CLI::App* generate =
      verb->add_subcommand("generate", "Print a generated built-in layout (warehouse-large)");
  generate->add_option("name", gen_opt->name, "Which layout: warehouse-large")->required();
  generate->add_option("-o,--output", gen_opt->output, "Write it to this file instead of stdout");
  generate->callback([gen_opt, exit_code] { *exit_code = Generate(*gen_opt); });
}

}  // namespace twin::tools
