#include "fuzz_support.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>

namespace twin::fuzz {
namespace {

namespace fs = std::filesystem;

fs::path ScratchParent() {
  if (const char* dir = std::getenv("TWIN_FUZZ_TMP"); dir && *dir) return dir;
  // tmpfs: merge and datagen fsync every file they write, which costs nothing there.
  if (access("/dev/shm", W_OK) == 0) return "/dev/shm";
  return fs::temp_directory_path();
}

// Folders of fuzzing processes that are gone: libFuzzer ends a run (and its -fork jobs) without
// running atexit handlers, and a crash never does, so each process cleans up after the others.
void RemoveOrphanedScratch(const fs::path& parent) {
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(parent, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("twin-fuzz-", 0) != 0) continue;
    const std::string pid = name.substr(10, name.find('-', 10) - 10);
    if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) continue;
    if (!fs::exists("/proc/" + pid, ec)) fs::remove_all(entry.path(), ec);
  }
}

fs::path& Scratch() {
  static fs::path scratch = [] {
    const fs::path parent = ScratchParent();
    RemoveOrphanedScratch(parent);
    std::string pattern = (parent / ("twin-fuzz-" + std::to_string(getpid()) + "-XXXXXX")).string();
    TWIN_DEMAND(mkdtemp(pattern.data()) != nullptr);
    setenv("TWIN_CACHE_DIR", (fs::path(pattern) / "cache").c_str(), 1);
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(Scratch(), ec);
    });
    return fs::path(pattern);
  }();
  return scratch;
}

bool PlainRelativePath(std::string_view name) {
  if (name.empty() || name.size() > 100 || name.front() == '/') return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-' || c == '/';
    if (!ok) return false;
  }
  int parts = 0;
  for (const fs::path& part : fs::path(name)) {
    if (part.empty() || part == "." || part == "..") return false;
    ++parts;
  }
  return parts <= 3 && name.back() != '/' && name.find("//") == std::string_view::npos;
}

}  // namespace

bool Verbose() {
  static const bool verbose = std::getenv("TWIN_FUZZ_VERBOSE") != nullptr;
  return verbose;
}

const fs::path& ResetScratch() {
  const fs::path& scratch = Scratch();
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(scratch, ec))
    fs::remove_all(entry.path(), ec);
  TWIN_DEMAND(!ec);
  return scratch;
}

std::vector<BundleFile> SplitBundle(std::string_view input, const std::string& first_name) {
  std::vector<BundleFile> files{{first_name, ""}};
  bool keep = true;  // whether the current file's name was acceptable
  size_t start = 0;
  while (start < input.size()) {
    size_t end = input.find('\n', start);
    end = end == std::string_view::npos ? input.size() : end + 1;
    const std::string_view line = input.substr(start, end - start);
    start = end;
    if (line.substr(0, kFileSeparator.size()) == kFileSeparator) {
      // The line break before a separator ends the line, not the file.
      if (keep && !files.back().text.empty() && files.back().text.back() == '\n')
        files.back().text.pop_back();
      std::string_view name = line.substr(kFileSeparator.size());
      while (!name.empty() && (name.back() == '\n' || name.back() == '\r')) name.remove_suffix(1);
      keep = PlainRelativePath(name) && files.size() < kMaxBundleFiles;
      if (keep) files.push_back({std::string(name), ""});
      continue;
    }
    if (keep) files.back().text += line;
  }
  // A later file of the same name replaces an earlier one.
  std::vector<BundleFile> unique;
  for (BundleFile& file : files) {
    bool replaced = false;
    for (BundleFile& seen : unique)
      if (seen.name == file.name) seen = file, replaced = true;
    if (!replaced) unique.push_back(std::move(file));
  }
  return unique;
}

void WriteFile(const fs::path& root, const std::string& name, std::string_view text) {
  const fs::path path = root / name;
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  // A name that is also a folder of another file ("a" and "a/b") cannot be written: skipped.
  if (fs::is_directory(path, ec)) return;
  std::ofstream out(path, std::ios::binary);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

}  // namespace twin::fuzz
