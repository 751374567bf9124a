// The verbs of the `twin` binary. Each adds one CLI11 subcommand whose callback does the work and
// stores the process exit code; a twin::base::Error thrown by a callback is printed by main().
#pragma once

#include <CLI/CLI.hpp>

namespace twin::tools {

// Exit codes shared by every verb.
inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;     ///< bad input (file, model) or a failed operation
inline constexpr int kExitUsage = 2;     ///< unknown verb, unknown flag, bad flag value
inline constexpr int kExitDiverged = 3;  ///< the simulation diverged / the scene is not usable
/// TWIN_VALIDATION=1 and the Vulkan validation layers reported something (a twin bug).
inline constexpr int kExitValidation = 4;

void AddRunVerb(CLI::App& app, int* exit_code);
void AddCheckVerb(CLI::App& app, int* exit_code);
void AddExportVerb(CLI::App& app, int* exit_code);
void AddBenchVerb(CLI::App& app, int* exit_code);
void AddRenderVerb(CLI::App& app, int* exit_code);
void AddDatagenVerb(CLI::App& app, int* exit_code);
void AddDatasetVerb(CLI::App& app, int* exit_code);
void AddHilVerb(CLI::App& app, int* exit_code);
void AddLayoutVerb(CLI::App& app, int* exit_code);

}  // namespace twin::tools
