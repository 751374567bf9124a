// OpenCV through the system Python (/usr/bin/python3 with python3-opencv): the independent truth
// the render tests compare against. The renderer itself never uses OpenCV.
#pragma once

#include <string>
#include <vector>

namespace twin::testing {

/// A fresh folder under the system temp folder, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

/// Runs `script` with /usr/bin/python3 and `args`; returns its stdout. Throws std::runtime_error
/// with the script's stderr when it fails, so a broken check reads as an error, not a mismatch.
std::string RunPython(const std::string& script, const std::vector<std::string>& args = {});

/// Writes `text` to `path` (test inputs for the scripts).
void WriteText(const std::string& path, const std::string& text);

}  // namespace twin::testing
