#include "python_cv.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "process.h"

namespace twin::testing {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "twin_render_XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed for " + pattern);
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::string RunPython(const std::string& script, const std::vector<std::string>& args) {
  TempDir dir;
  const std::string script_path = dir / "check.py";
  WriteText(script_path, script);
  std::vector<std::string> argv = {"/usr/bin/python3", script_path};
  argv.insert(argv.end(), args.begin(), args.end());
  const ProcessResult result = RunProcess(argv);
  if (result.exit_code != 0) {
    throw std::runtime_error("python3 failed (exit " + std::to_string(result.exit_code) + "):\n" +
                             result.err);
  }
  return result.out;
}

}  // namespace twin::testing
