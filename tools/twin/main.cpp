// twin: one binary, git-style verbs. Each verb lives in its own file; this only dispatches.
#include <twin/base/error.h>
#include <twin/base/suggest.h>
#include <twin/render/context.h>
#include <twin/version/version.h>

#include "verbs.h"

#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

namespace {

std::vector<std::string> VerbNames(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    names.push_back(sub->get_name());
  }
  return names;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace twin::tools;
  // Past a file size limit (ulimit -f) a write then fails with EFBIG, which the writers report
  // like a full disk, instead of the signal killing twin mid-file.
  std::signal(SIGXFSZ, SIG_IGN);
  CLI::App app{"twin: a Sim2Real digital-twin simulator for factories and logistics sites.",
               "twin"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("twin ") + twin::Version());
  int exit_code = kExitOk;
  AddRunVerb(app, &exit_code);
  AddCheckVerb(app, &exit_code);
  AddExportVerb(app, &exit_code);
  AddRenderVerb(app, &exit_code);
  AddDatagenVerb(app, &exit_code);
  AddDatasetVerb(app, &exit_code);
  AddHilVerb(app, &exit_code);
  AddLayoutVerb(app, &exit_code);
  AddBenchVerb(app, &exit_code);

  // An unknown verb gets a suggestion instead of CLI11's "arguments were not expected".
  const std::vector<std::string> verbs = VerbNames(app);
  if (argc > 1 && argv[1][0] != '-') {
    const std::string verb = argv[1];
    bool known = false;
    for (const std::string& v : verbs) known = known || v == verb;
    if (!known) {
      std::fprintf(stderr, "twin: unknown verb '%s'%s. Run 'twin --help'.\n", verb.c_str(),
                   twin::base::UnknownNameHint(verb, verbs, "\nThe verbs are: ").c_str());
      return kExitUsage;
    }
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string verb;
    for (const CLI::App* sub : app.get_subcommands()) verb = sub->get_name();
    std::fprintf(stderr, "twin%s%s: %s\nRun 'twin%s%s --help' for usage.\n",
                 verb.empty() ? "" : " ", verb.c_str(), e.what(), verb.empty() ? "" : " ",
                 verb.c_str());
    return kExitUsage;
  } catch (const twin::base::Error& e) {
    std::fprintf(stderr, "twin: error: %s\n", e.what());
    return kExitError;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "twin: unexpected error: %s (please report this)\n", e.what());
    return kExitError;
  }
  if (const int messages = twin::render::ValidationMessagesInProcess(); messages > 0) {
    std::fprintf(stderr, "twin: %d Vulkan validation message%s (printed above): a bug in twin\n",
                 messages, messages == 1 ? "" : "s");
    if (exit_code == kExitOk) return kExitValidation;
  }
  return exit_code;
}
