// Reading a scene file from disk: the checks every loader needs before parsing.
#pragma once

#include <filesystem>
#include <string>

namespace twin::scenes {

enum class SceneFormat {
  kMjcf,  ///< MuJoCo XML (<mujoco> root)
  kUrdf,  ///< URDF (<robot> root), read by MuJoCo's own URDF importer
};

const char* SceneFormatName(SceneFormat format);

/// A scene file that exists, is readable, is well-formed XML and has a known root element.
struct SceneFile {
  std::string display_path;    ///< the path as the user gave it, for messages
  std::filesystem::path path;  ///< absolute, normalised
  SceneFormat format;
  std::string text;  ///< the file's contents
};

/// Reads and checks `path`. Throws twin::base::Error naming the file (and line, for malformed XML)
/// and saying what to do, for: a missing file, a directory, an unreadable or empty file, malformed
/// XML, and a root element that is neither <mujoco> nor <robot>.
SceneFile ReadSceneFile(const std::string& path);

/// The XML checks of ReadSceneFile on text already in memory; `shown` names it in messages.
SceneFormat CheckSceneText(const std::string& text, const std::string& shown);

}  // namespace twin::scenes
