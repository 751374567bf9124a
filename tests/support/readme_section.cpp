#include "readme_section.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace twin::testing {

std::string ReadmeSection(const std::string& path, const std::string& name) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  const std::string begin = "<!-- BEGIN " + name + " -->\n";
  const std::string end = "<!-- END " + name + " -->";
  const size_t from = text.find(begin);
  if (from == std::string::npos) throw std::runtime_error(path + " has no line " + begin);
  const size_t to = text.find(end, from);
  if (to == std::string::npos)
    throw std::runtime_error(path + " has no line " + end + " after " + begin);
  return text.substr(from + begin.size(), to - from - begin.size());
}

}  // namespace twin::testing
