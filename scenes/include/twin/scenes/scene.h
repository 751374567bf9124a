// A scene ready for the simulator: one MJCF document plus the Site record that says what it means.
#pragma once

#include <twin/scenes/scene_file.h>
#include <twin/scenes/site.h>

#include <string>

namespace twin::scenes {

enum class SceneSource {
  kLayout,  ///< a twin layout (.yaml/.yml), expanded by twin
  kModel,   ///< an MJCF or URDF file, handed to MuJoCo as it is
};

struct Scene {
  SceneSource source = SceneSource::kModel;
  SceneFormat format = SceneFormat::kMjcf;  ///< models: MJCF or URDF; layouts: MJCF (expanded)
  std::string path;                         ///< the file as the user named it (for messages)
  std::string base_dir;                     ///< where relative asset paths resolve
  std::string mjcf;                         ///< layouts: the expanded MJCF; models: the file's text
  Site site;  ///< layouts: everything placed; models: name and source only
};

/// Loads a scene file: a layout (.yaml/.yml) or a model (.xml MJCF, .urdf). Throws
/// twin::base::Error naming the file, line, column and key, and what is allowed, on any problem.
Scene LoadScene(const std::string& path);

/// Expands layout text (for tests and tools); `shown` names it in messages and `base_dir` is
/// where its includes resolve.
Scene LoadLayoutText(const std::string& text, const std::string& shown,
                     const std::string& base_dir);

}  // namespace twin::scenes
