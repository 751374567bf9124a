// twin layout schema [--markdown]: the layout schema as JSON Schema (draft-07) for editors, or as
// the reference tables of scenes/README.md. Later sub-verbs (fmt, set) work on the document.
#include <twin/scenes/layout_schema.h>

#include "verbs.h"

#include <cstdio>
#include <memory>

namespace twin::tools {
namespace {

struct SchemaOptions {
  bool markdown = false;
};

int PrintSchema(const SchemaOptions& opt) {
  const std::string text =
      opt.markdown ? scenes::schema::MarkdownReference() : scenes::schema::JsonSchema();
  std::fwrite(text.data(), 1, text.size(), stdout);
  return kExitOk;
}

}  // namespace

void AddLayoutVerb(CLI::App& app, int* exit_code) {
  CLI::App* verb = app.add_subcommand("layout", "Work with layout files (schema)");
  verb->require_subcommand(1);

  auto opt = std::make_shared<SchemaOptions>();
  CLI::App* schema = verb->add_subcommand(
      "schema",
      "Print the layout schema as JSON Schema (draft-07), for editors such as VS Code's YAML "
      "extension: add '# yaml-language-server: $schema=FILE' to a layout");
  schema->add_flag("--markdown", opt->markdown,
                   "Print the reference tables of scenes/README.md instead");
  schema->callback([opt, exit_code] { *exit_code = PrintSchema(*opt); });
}

}  // namespace twin::tools
