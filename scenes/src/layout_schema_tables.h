// The schema tables of the layout's sections, each defined beside the code that reads it
// (the equipment types' tables are beside their builders, see equipment.h).
#pragma once

#include <twin/scenes/layout_schema.h>

#include <string>
#include <utility>
#include <vector>

namespace twin::scenes::schema {
/// The keys every equipment item has (layout_schema.cpp).
const Block& ItemCommonSchema();
}  // namespace twin::scenes::schema

namespace twin::scenes::internal {

using schema::Block;
using schema::Param;
using schema::Range;
using schema::Type;

// One-line table entries for the common cases; anything else is a designated-initializer Param.
inline Param Number(std::string key, double fallback, Range range, std::string unit,
                    std::string description) {
  return {.key = std::move(key),
          .type = Type::kNumber,
          .unit = std::move(unit),
          .description = std::move(description),
          .number = fallback,
          .range = range};
}
inline Param Integer(std::string key, double fallback, double min, double max,
                     std::string description) {
  return {.key = std::move(key),
          .type = Type::kInteger,
          .description = std::move(description),
          .number = fallback,
          .range = {min, max}};
}
inline Param Bool(std::string key, bool fallback, std::string description) {
  return {.key = std::move(key),
          .type = Type::kBool,
          .description = std::move(description),
          .number = fallback ? 1.0 : 0.0};
}
inline Param Enum(std::string key, std::string fallback, std::vector<std::string> choices,
                  std::string description) {
  return {.key = std::move(key),
          .type = Type::kEnum,
          .description = std::move(description),
          .text = std::move(fallback),
          .choices = std::move(choices)};
}
inline Param Vector(std::string key, std::vector<double> fallback, Range range, std::string unit,
                    std::string description, std::string range_message = "") {
  const int size = static_cast<int>(fallback.size());
  return {.key = std::move(key),
          .type = Type::kVector,
          .unit = std::move(unit),
          .description = std::move(description),
          .numbers = std::move(fallback),
          .range = range,
          .size = size,
          .range_message = std::move(range_message)};
}
/// A [min, max] range of a randomized quantity; `message` when it leaves `range`.
inline Param RangeParam(std::string key, Range range, std::string unit, std::string description,
                        std::string message = "") {
  return {.key = std::move(key),
          .type = Type::kInterval,
          .unit = std::move(unit),
          .description = std::move(description),
          .has_default = false,
          .range = range,
          .range_message = std::move(message)};
}
/// A sub-mapping or a list of them.
inline Param Nested(std::string key, Type type, const Block& block, std::string description,
                    bool required = false) {
  return {.key = std::move(key),
          .type = type,
          .description = std::move(description),
          .required = required,
          .has_default = false,
          .block = &block};
}

const Block& PoseSchema();              // layout_node.cpp
const Block& SiteSchema();              // layout_site.cpp (with floor, walls, columns)
const Block& LightSchema();             // layout_site.cpp
const Block& BridgeSchema();            // layout_site.cpp
const Block& AutopilotSchema();         // layout_site.cpp
const Block& SensorsSchema();           // layout_sensors.cpp (cameras, lidars, IMUs, beam breaks)
const Block& RandomizeSchema();         // layout_randomize.cpp
const Block& RandomizeOverlaySchema();  // layout_randomize.cpp: a --randomize FILE
const Block& IncludeSchema();           // layout_loader.cpp: what every include has
const Block& IncludeLayoutSchema();     // layout_loader.cpp: an included layout
const Block& IncludeModelSchema();      // model_include.cpp: an included MJCF or URDF model

}  // namespace twin::scenes::internal
