#include "mjcf_builder.h"

#include <sstream>

namespace twin::scenes::internal {

MjcfDocument::MjcfDocument(const std::string& model_name) {
  root_ = doc_.NewElement("mujoco");
  root_->SetAttribute("model", model_name.c_str());
  doc_.InsertEndChild(root_);
  // Fixed order, as in MuJoCo's own files, so exported models read naturally.
  for (const char* name : {"compiler", "option", "size", "visual", "default", "asset", "worldbody",
                           "tendon", "contact", "equality", "actuator", "sensor"}) {
    Section(name);
  }
  Set(compiler(), "angle", std::string("radian"));
  Set(compiler(), "autolimits", std::string("true"));
}

Xml* MjcfDocument::Section(const char* name) {
  Xml* section = root_->FirstChildElement(name);
  if (!section) section = Add(root_, name);
  return section;
}

std::string MjcfDocument::Text() const {
  tinyxml2::XMLDocument copy;
  doc_.DeepCopy(&copy);
  Xml* root = copy.RootElement();
  for (Xml* e = root->FirstChildElement(); e;) {
    Xml* next = e->NextSiblingElement();
    if (!e->FirstChild() && !e->FirstAttribute()) root->DeleteChild(e);
    e = next;
  }
  tinyxml2::XMLPrinter printer;
  copy.Print(&printer);
  return printer.CStr();
}

Xml* Add(Xml* parent, const char* tag) {
  Xml* e = parent->GetDocument()->NewElement(tag);
  parent->InsertEndChild(e);
  return e;
}

void Set(Xml* e, const char* attribute, const std::string& value) {
  e->SetAttribute(attribute, value.c_str());
}

void Set(Xml* e, const char* attribute, double value) {
  std::ostringstream out;
  out.precision(12);
  out << value;
  e->SetAttribute(attribute, out.str().c_str());
}

void Set(Xml* e, const char* attribute, const Vec3& value) {
  Set(e, attribute, ToMjcf(value));
}

void Set(Xml* e, const char* attribute, std::initializer_list<double> values) {
  std::ostringstream out;
  out.precision(12);
  for (double v : values) out << (out.tellp() > 0 ? " " : "") << v;
  e->SetAttribute(attribute, out.str().c_str());
}

void SetPose(Xml* e, const Pose& pose) {
  Set(e, "pos", ToMjcf(pose.position));
  if (pose.orientation != Quat{1, 0, 0, 0}) Set(e, "quat", ToMjcf(pose.orientation));
}

Xml* AddBody(Xml* parent, const std::string& name, const Pose& pose) {
  Xml* body = Add(parent, "body");
  Set(body, "name", name);
  SetPose(body, pose);
  return body;
}

Xml* AddBox(Xml* body, const std::string& name, const Vec3& half_size, const Vec3& pos,
            const std::string& rgba) {
  Xml* geom = Add(body, "geom");
  if (!name.empty()) Set(geom, "name", name);
  Set(geom, "type", std::string("box"));
  Set(geom, "size", half_size);
  if (pos != Vec3{0, 0, 0}) Set(geom, "pos", pos);
  if (!rgba.empty()) Set(geom, "rgba", rgba);
  return geom;
}

Xml* AddCylinder(Xml* body, const std::string& name, double radius, double half_length,
                 const Vec3& pos, char axis, const std::string& rgba) {
  Xml* geom = Add(body, "geom");
  if (!name.empty()) Set(geom, "name", name);
  Set(geom, "type", std::string("cylinder"));
  Set(geom, "size", {radius, half_length});
  if (pos != Vec3{0, 0, 0}) Set(geom, "pos", pos);
  if (axis == 'x') Set(geom, "zaxis", std::string("1 0 0"));
  if (axis == 'y') Set(geom, "zaxis", std::string("0 1 0"));
  if (!rgba.empty()) Set(geom, "rgba", rgba);
  return geom;
}

}  // namespace twin::scenes::internal
