// Building an MJCF document with tinyxml2: the fixed sections of a model and small helpers that
// write poses, sizes and colours the way MuJoCo reads them.
#pragma once

#include <twin/scenes/pose.h>

#include <tinyxml2.h>

#include <initializer_list>
#include <string>

namespace twin::scenes::internal {

using Xml = tinyxml2::XMLElement;

class MjcfDocument {
 public:
  /// Angles in the document are radians (<compiler angle="radian">), as in every model MuJoCo
  /// saves, so included models merge without conversion.
  explicit MjcfDocument(const std::string& model_name);
  MjcfDocument(const MjcfDocument&) = delete;
  MjcfDocument& operator=(const MjcfDocument&) = delete;

  Xml* root() { return root_; }
  Xml* compiler() { return Section("compiler"); }
  Xml* option() { return Section("option"); }
  Xml* size() { return Section("size"); }
  Xml* visual() { return Section("visual"); }
  Xml* default_classes() { return Section("default"); }
  Xml* asset() { return Section("asset"); }
  Xml* worldbody() { return Section("worldbody"); }
  Xml* tendon() { return Section("tendon"); }
  Xml* contact() { return Section("contact"); }
  Xml* equality() { return Section("equality"); }
  Xml* actuator() { return Section("actuator"); }
  Xml* sensor() { return Section("sensor"); }

  /// The document as text; empty sections are left out.
  std::string Text() const;
  tinyxml2::XMLDocument& doc() { return doc_; }

 private:
  Xml* Section(const char* name);
  tinyxml2::XMLDocument doc_;
  Xml* root_;
};

/// Appends <tag> to `parent` and returns it.
Xml* Add(Xml* parent, const char* tag);
void Set(Xml* e, const char* attribute, const std::string& value);
void Set(Xml* e, const char* attribute, double value);
void Set(Xml* e, const char* attribute, const Vec3& value);
void Set(Xml* e, const char* attribute, std::initializer_list<double> values);
void SetPose(Xml* e, const Pose& pose);

/// <body name pos quat> under `parent`.
Xml* AddBody(Xml* parent, const std::string& name, const Pose& pose);
/// <geom type="box" size="half extents" pos> under `body`, coloured by `rgba` ("r g b a").
Xml* AddBox(Xml* body, const std::string& name, const Vec3& half_size, const Vec3& pos,
            const std::string& rgba);
/// <geom type="cylinder" size="radius half_length"> along the given axis ('x', 'y' or 'z').
Xml* AddCylinder(Xml* body, const std::string& name, double radius, double half_length,
                 const Vec3& pos, char axis, const std::string& rgba);

}  // namespace twin::scenes::internal
