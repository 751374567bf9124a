#include <twin/base/error.h>
#include <twin/scenes/scene_file.h>

#include <tinyxml2.h>

#include "urdf_check.h"

#include <fstream>
#include <sstream>
#include <system_error>

namespace twin::scenes {
namespace {

namespace fs = std::filesystem;

constexpr const char* kSupported = "a MuJoCo MJCF file (.xml) or a URDF file (.urdf)";

std::string ReadWhole(const fs::path& path, const std::string& shown) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw base::Error(shown + ": cannot open the file for reading (check its permissions)");
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw base::Error(shown + ": read error");
  return text.str();
}

bool IsBlank(const std::string& text) {
  return text.find_first_not_of(" \t\r\n") == std::string::npos;
}

// tinyxml2's ErrorStr() is "Error=XML_ERROR_MISMATCHED_ELEMENT ErrorID=14 (0xe) Line number=3:
// XMLElement name=geom"; say it in words and keep the element name.
std::string DescribeXmlError(const tinyxml2::XMLDocument& doc) {
  const std::string raw = doc.ErrorStr() ? doc.ErrorStr() : "";
  const size_t name_at = raw.find("XMLElement name=");
  const std::string element = name_at == std::string::npos
                                  ? ""
                                  : raw.substr(name_at + std::string("XMLElement name=").size());
  switch (doc.ErrorID()) {
    case tinyxml2::XML_ERROR_MISMATCHED_ELEMENT:
      return element.empty()
                 ? "an element is not closed, or closed by the wrong end tag"
                 : "element <" + element + "> is not closed, or closed by the wrong end tag";
    case tinyxml2::XML_ERROR_PARSING_ATTRIBUTE:
      return "cannot read an attribute" + (element.empty() ? "" : " of <" + element + ">") +
             " (is its value quoted?)";
    case tinyxml2::XML_ERROR_PARSING_ELEMENT: return "cannot read an element (a stray '<'?)";
    case tinyxml2::XML_ERROR_PARSING_COMMENT: return "a comment is not closed with '-->'";
    case tinyxml2::XML_ERROR_PARSING_TEXT: return "cannot read the text between elements";
    case tinyxml2::XML_ERROR_EMPTY_DOCUMENT: return "there is no element at all";
    default: return doc.ErrorName();
  }
}

}  // namespace

const char* SceneFormatName(SceneFormat format) {
  switch (format) {
    case SceneFormat::kMjcf: return "MJCF";
    case SceneFormat::kUrdf: return "URDF";
  }
  return "?";
}

SceneFormat CheckSceneText(const std::string& text, const std::string& shown) {
  if (IsBlank(text))
    throw base::Error(shown + ": the scene is empty; a scene is " + std::string(kSupported));
  tinyxml2::XMLDocument doc;
  if (doc.Parse(text.data(), text.size()) != tinyxml2::XML_SUCCESS) {
    throw base::Error(shown + ":" + std::to_string(doc.ErrorLineNum()) + ": malformed XML: " +
                      DescribeXmlError(doc) + " (fix the XML syntax at that line)");
  }
  const tinyxml2::XMLElement* root = doc.RootElement();
  const std::string root_name = root ? root->Name() : "";
  if (root_name == "mujoco") return SceneFormat::kMjcf;
  if (root_name == "robot") {
    internal::CheckUrdfForMujoco(*root, shown);
    return SceneFormat::kUrdf;
  }
  throw base::Error(shown + ":" + std::to_string(root ? root->GetLineNum() : 1) +
                    ": the root element is <" + root_name +
                    ">, but a scene needs <mujoco> (MJCF) or <robot> (URDF)");
}

SceneFile ReadSceneFile(const std::string& path) {
  if (path.empty()) throw base::Error("no scene file given: pass " + std::string(kSupported));

  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) {
    throw base::Error(path + ": no such file (check the path; a scene is " + kSupported + ")");
  }
  if (fs::is_directory(status)) {
    throw base::Error(path + ": is a directory, not a scene file (pass " + kSupported +
                      " inside it)");
  }
  if (!fs::is_regular_file(status)) {
    throw base::Error(path + ": is not a regular file (pass " + kSupported + ")");
  }

  SceneFile file;
  file.display_path = path;
  file.path = fs::absolute(path, ec).lexically_normal();
  file.text = ReadWhole(file.path, path);

  file.format = CheckSceneText(file.text, path);
  return file;
}

}  // namespace twin::scenes
