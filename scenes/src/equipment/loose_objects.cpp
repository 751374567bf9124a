// Loose things that get carried, stacked and picked: cartons, totes, pallets.
// Dimensions default to common catalogue values (EUR pallet EN 13698-1, 600x400 Euro container).
#include "../equipment.h"

namespace twin::scenes::internal {

void AddCartonBox(LayoutBuild& build, Xml* body, const std::string& geom_name, const Vec3& size,
                  double mass, double friction, const std::string& texture) {
  const std::string material =
      texture == "printed" ? build.Material("cardboard_printed", "0.72 0.58 0.42 1")
      : texture == "taped" ? build.Material("cardboard_taped", "0.70 0.55 0.38 1")
                           : build.Material("cardboard", "0.76 0.60 0.42 1");
  Xml* box =
      AddBox(body, geom_name, {size[0] / 2, size[1] / 2, size[2] / 2}, {0, 0, size[2] / 2}, "");
  Set(box, "material", material);
  Set(box, "mass", mass);
  Set(box, "friction", {friction, 0.005, 0.0001});
}

namespace {
constexpr const char* kEverySide = "every side must be > 0 metres";
}  // namespace

const Block& CartonSchema() {
  static const Block block{
      "carton",
      "a cardboard box, loose (simulated) unless fixed",
      {
          Vector("size", {0.4, 0.3, 0.25}, schema::kPositive, "m", "length, width, height",
                 kEverySide),
          Number("mass", 2.0, schema::kPositive, "kg", "its mass"),
          Number("friction", 0.5, {0, 5}, "1", "sliding friction coefficient"),
          Enum("texture", "plain", {"plain", "printed", "taped"}, "the cardboard's look"),
      }};
  return block;
}

void BuildCarton(EquipmentContext& ctx) {
  const Vec3 size = ctx.Size("size");
  const double mass = ctx.Number("mass");
  const double friction = ctx.Number("friction");
  const std::string texture = ctx.item.Text("texture");
  ctx.entity.parameters["texture"] = texture == "plain" ? 0 : texture == "printed" ? 1 : 2;
  // The body origin is the centre of the bottom face, so a carton placed at z = 0 rests on it.
  AddCartonBox(ctx.build, ctx.root, ctx.Name("box"), size, mass, friction, texture);
  ctx.AddMount("", {{0, 0, size[2]}, {1, 0, 0, 0}});
}

const Block& ToteSchema() {
  static const Block block{
      "tote",
      "an open plastic container (600 x 400 Euro container by default)",
      {
          Vector("size", {0.6, 0.4, 0.22}, schema::kPositive, "m", "outer length, width, height",
                 kEverySide),
          Number("wall", 0.006, {0.001, 0.05}, "m", "wall and bottom thickness"),
          Number("mass", 1.8, schema::kPositive, "kg", "its mass (spread over the panels)"),
      }};
  return block;
}

void BuildTote(EquipmentContext& ctx) {
  const Vec3 size = ctx.Size("size");
  const double wall = ctx.Number("wall");
  const double mass = ctx.Number("mass");
  const std::string material = ctx.build.Material("tote_plastic", "0.15 0.35 0.65 1", 0.4);

  // Bottom and four walls; the mass is spread by area so the centre of mass is realistic.
  const double hx = size[0] / 2, hy = size[1] / 2, hz = size[2] / 2, t = wall / 2;
  struct Panel {
    const char* part;
    Vec3 half, pos;
  } panels[] = {
      {"bottom", {hx, hy, t}, {0, 0, t}},
      {"wall_px", {t, hy, hz}, {hx - t, 0, hz}},
      {"wall_nx", {t, hy, hz}, {-hx + t, 0, hz}},
      {"wall_py", {hx - wall, t, hz}, {0, hy - t, hz}},
      {"wall_ny", {hx - wall, t, hz}, {0, -hy + t, hz}},
  };
  double total_area = 0;
  for (const Panel& p : panels)
    total_area += p.half[0] * p.half[1] + p.half[1] * p.half[2] + p.half[0] * p.half[2];
  for (const Panel& p : panels) {
    Xml* geom = AddBox(ctx.root, ctx.Name(p.part), p.half, p.pos, "");
    Set(geom, "material", material);
    const double area = p.half[0] * p.half[1] + p.half[1] * p.half[2] + p.half[0] * p.half[2];
    Set(geom, "mass", mass * area / total_area);
  }
  ctx.AddMount("", {{0, 0, wall}, {1, 0, 0, 0}});  // the inside of the bottom
}

const Block& PalletSchema() {
  static const Block block{
      "pallet",
      "a wooden pallet (EUR pallet, EN 13698-1, by default); forks enter from its short sides",
      {
          Number("length", 1.2, schema::kPositive, "m", "along x"),
          Number("width", 0.8, schema::kPositive, "m", "along y"),
          Number("height", 0.144, schema::kPositive, "m", "to the top of its deck"),
          Number("mass", 25.0, schema::kPositive, "kg", "its mass"),
      }};
  return block;
}

void BuildPallet(EquipmentContext& ctx) {
  const double length = ctx.Number("length");
  const double width = ctx.Number("width");
  const double height = ctx.Number("height");
  const double mass = ctx.Number("mass");
  const std::string wood = ctx.build.Material("pallet_wood", "0.78 0.66 0.48 1");

  // Top deck, nine blocks, three bottom boards along the length: forks enter from the short
  // sides, between the blocks, under the deck.
  const double deck = 0.3 * height, bottom = 0.15 * height, block_h = height - deck - bottom;
  const double block_x = 0.145 / 1.2 * length, block_y = 0.1 / 0.8 * width;
  std::vector<std::pair<std::string, std::pair<Vec3, Vec3>>> parts;  // name, half size, centre
  parts.push_back({"deck", {{length / 2, width / 2, deck / 2}, {0, 0, height - deck / 2}}});
  int block = 0;
  for (double fx : {-1.0, 0.0, 1.0}) {
    for (double fy : {-1.0, 0.0, 1.0}) {
      parts.push_back(
          {"block" + std::to_string(block++),
           {{block_x / 2, block_y / 2, block_h / 2},
            {fx * (length - block_x) / 2, fy * (width - block_y) / 2, bottom + block_h / 2}}});
    }
  }
  for (double fy : {-1.0, 0.0, 1.0}) {
    parts.push_back(
        {"board" + std::to_string(int(fy + 1)),
         {{length / 2, block_y / 2, bottom / 2}, {0, fy * (width - block_y) / 2, bottom / 2}}});
  }
  double volume = 0;
  for (const auto& [name, box] : parts) volume += box.first[0] * box.first[1] * box.first[2];
  for (const auto& [name, box] : parts) {
    Xml* geom = AddBox(ctx.root, ctx.Name(name), box.first, box.second, "");
    Set(geom, "material", wood);
    Set(geom, "mass", mass * box.first[0] * box.first[1] * box.first[2] / volume);
    Set(geom, "friction", {0.6, 0.005, 0.0001});
  }
  ctx.AddMount("", {{0, 0, height}, {1, 0, 0, 0}});
}

}  // namespace twin::scenes::internal
