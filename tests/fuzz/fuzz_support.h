// What every fuzz target shares: a private scratch folder emptied before each input, inputs that
// are bundles of several files, and the rule that twin::base::Error is the only allowed failure.
#pragma once

#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <twin/base/error.h>

namespace twin::fuzz {

/// This process's own folder twin-fuzz-<pid>-XXXXXX (made once under TWIN_FUZZ_TMP, else
/// /dev/shm when writable, else the system's temporary folder; removed at a normal exit, and by
/// the next fuzzing process when its process is gone), emptied on every call. twin's mesh cache
/// (TWIN_CACHE_DIR) is inside it, so that no run depends on an earlier one.
const std::filesystem::path& ResetScratch();

/// One file of a bundle: a path relative to the scratch folder, and its bytes.
struct BundleFile {
  std::string name;
  std::string text;
};

/// Splits an input into files. The text before the first separator line is `first_name`; each
/// line "#@file NAME" starts a file NAME (the line break before it is not part of the file
/// before it, so a file may end without one). A NAME that is not a plain relative path (empty part,
/// ".", "..", a leading '/', a character outside [A-Za-z0-9._/-], more than 3 parts) drops
/// its file. At most kMaxBundleFiles files; a later file of the same name replaces the earlier.
inline constexpr size_t kMaxBundleFiles = 16;
inline constexpr std::string_view kFileSeparator = "#@file ";
std::vector<BundleFile> SplitBundle(std::string_view input, const std::string& first_name);

/// Writes `text` to `root`/`name`, creating its folders.
void WriteFile(const std::filesystem::path& root, const std::string& name, std::string_view text);

/// Whether TWIN_FUZZ_VERBOSE is set: ExpectOnlyTwinErrors then prints each error (to see how far
/// a seed gets).
bool Verbose();

/// Runs `load`; a twin::base::Error (bad input, reported as the user would see it) is the expected
/// outcome and is swallowed. Anything else propagates: libFuzzer reports an uncaught exception as
/// a crash, and so does the replay main.
template <class Load>
void ExpectOnlyTwinErrors(Load&& load) {
  try {
    load();
  } catch (const twin::base::Error& e) {
    if (Verbose()) std::fprintf(stderr, "twin::base::Error: %s\n", e.what());
  }
}

}  // namespace twin::fuzz
