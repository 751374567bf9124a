#include "ros1_wire_check.h"

#include <cstring>
#include <sstream>
#include <stdexcept>

namespace twin::bridge::ros1 {
namespace {

// Sizes of ROS 1's fixed-size builtin types; "string" is the one variable builtin.
std::int64_t BuiltinSize(const std::string& type) {
  static const std::map<std::string, std::int64_t> kSizes = {
      {"bool", 1},  {"int8", 1},   {"uint8", 1},   {"byte", 1},   {"char", 1},
      {"int16", 2}, {"uint16", 2}, {"int32", 4},   {"uint32", 4}, {"float32", 4},
      {"int64", 8}, {"uint64", 8}, {"float64", 8}, {"time", 8},   {"duration", 8}};
  const auto it = kSizes.find(type);
  return it == kSizes.end() ? -1 : it->second;
}

// "Header" means std_msgs/Header; a bare message name is in the package of the one using it.
std::string Qualify(const std::string& type, const std::string& package) {
  if (type == "Header") return "std_msgs/Header";
  if (type == "string" || BuiltinSize(type) > 0 || type.find('/') != std::string::npos) return type;
  return package + "/" + type;
}

bool ReadLength(const std::uint8_t*& at, const std::uint8_t* end, std::uint32_t& length) {
  if (end - at < 4) return false;
  std::memcpy(&length, at, 4);  // ROS 1 is little-endian, as is every host we build for
  at += 4;
  return true;
}

}  // namespace

WireSchema WireSchema::Parse(const std::string& datatype, const std::string& definition) {
  WireSchema schema;
  schema.root_ = datatype;
  std::istringstream lines(definition);
  std::string line, current = datatype, package = datatype.substr(0, datatype.find('/'));
  schema.types_[current];
  while (std::getline(lines, line)) {
    line = line.substr(0, line.find('#'));
    std::istringstream words(line);
    std::string type, name;
    if (!(words >> type)) continue;
    if (type.rfind("====", 0) == 0) continue;
    if (type == "MSG:") {
      words >> current;
      package = current.substr(0, current.find('/'));
      schema.types_[current];
      continue;
    }
    if (!(words >> name) || line.find('=') != std::string::npos) continue;  // constants
    Field field;
    const std::size_t bracket = type.find('[');
    if (bracket != std::string::npos) {
      field.is_array = true;
      const std::string length = type.substr(bracket + 1, type.find(']') - bracket - 1);
      if (!length.empty()) field.fixed_length = std::stoll(length);
      type = type.substr(0, bracket);
    }
    field.type = Qualify(type, package);
    schema.types_[current].push_back(field);
  }
  for (const auto& [type, fields] : schema.types_) {
    for (const Field& f : fields) {
      if (f.type != "string" && BuiltinSize(f.type) < 0 && !schema.types_.count(f.type))
        throw std::runtime_error("ROS 1 definition uses " + f.type + " without defining it");
    }
  }
  return schema;
}

std::int64_t WireSchema::FixedSize(const std::string& type) const {
  if (type == "string") return -1;
  const std::int64_t builtin = BuiltinSize(type);
  if (builtin > 0) return builtin;
  std::int64_t size = 0;
  for (const Field& f : types_.at(type)) {
    if (f.is_array && f.fixed_length < 0) return -1;
    const std::int64_t element = FixedSize(f.type);
    if (element < 0) return -1;
    size += f.is_array ? element * f.fixed_length : element;
  }
  return size;
}

bool WireSchema::Walk(const std::string& type, const std::uint8_t*& at,
                      const std::uint8_t* end) const {
  if (type == "string") {
    std::uint32_t length = 0;
    if (!ReadLength(at, end, length) || length > static_cast<std::uint64_t>(end - at)) return false;
    at += length;
    return true;
  }
  const std::int64_t builtin = BuiltinSize(type);
  if (builtin > 0) {
    if (end - at < builtin) return false;
    at += builtin;
    return true;
  }
  for (const Field& f : types_.at(type))
    if (!WalkField(f, at, end)) return false;
  return true;
}

bool WireSchema::WalkField(const Field& field, const std::uint8_t*& at,
                           const std::uint8_t* end) const {
  if (!field.is_array) return Walk(field.type, at, end);
  std::int64_t count = field.fixed_length;
  if (count < 0) {
    std::uint32_t length = 0;
    if (!ReadLength(at, end, length)) return false;
    count = length;
  }
  const std::int64_t element = FixedSize(field.type);
  const std::int64_t remaining = end - at;
  if (element >= 0) {
    // Fixed-size elements: one multiplication in 64 bits (roscpp's own wraps at 32).
    if (count * element > remaining) return false;
    at += count * element;
    return true;
  }
  // Variable elements take at least 4 bytes each (a length), so a longer count cannot fit.
  if (count > remaining / 4) return false;
  for (std::int64_t i = 0; i < count; ++i)
    if (!Walk(field.type, at, end)) return false;
  return true;
}

bool WireSchema::Fits(const std::uint8_t* data, std::uint32_t size) const {
  const std::uint8_t* at = data;
  return Walk(root_, at, data + size);
}

}  // namespace twin::bridge::ros1
