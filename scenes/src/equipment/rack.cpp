// Selective pallet rack: bays side by side along x, beam levels up the uprights, a deck on each
// level. Defaults follow common European racking (2.7 m clear bay for three EUR pallets, 1.1 m
// deep frames, 80 mm uprights, 120 mm box beams).
#include "../equipment.h"

#include <twin/base/error.h>

namespace twin::scenes::internal {

const Block& RackSchema() {
  static const Block block{
      "rack",
      "a selective pallet rack: bays along x, beam levels up the uprights",
      {
          Integer("bays", 2, 1, 50, "bays side by side along x"),
          Number("bay_width", 2.7, schema::kPositive, "m", "clear width of a bay"),
          Number("depth", 1.1, schema::kPositive, "m", "of the frames, along y"),
          Number("upright", 0.08, schema::kPositive, "m", "upright section"),
          Number("beam_height", 0.12, schema::kPositive, "m", "height of a beam's section"),
          {.key = "beam_heights",
           .type = Type::kNumbers,
           .unit = "m",
           .description = "the top of each beam level, rising (instead of levels, level_height)",
           .has_default = false,
           .excludes = {"levels", "level_height"}},
          Integer("levels", 3, 1, 20, "beam levels, evenly spaced"),
          Number("level_height", 1.5, schema::kPositive, "m", "between evenly spaced levels"),
          {.key = "height",
           .type = Type::kNumber,
           .unit = "m",
           .description = "of the uprights (at least the top beam)",
           .has_default = false,
           .default_note = "top beam + 0.3",
           .range = schema::kPositive},
      }};
  return block;
}

void BuildRack(EquipmentContext& ctx) {
  const int bays = ctx.item.Integer("bays");
  ctx.entity.parameters["bays"] = bays;
  const double bay_width = ctx.Number("bay_width");
  const double depth = ctx.Number("depth");
  const double upright = ctx.Number("upright");
  const double beam = ctx.Number("beam_height");

  // Beam levels: an explicit list of heights (top of the beam), or `levels` evenly spaced.
  std::vector<double> heights;
  if (ctx.item.Has("beam_heights")) {
    heights = ctx.item.Numbers("beam_heights");
    const LayoutNode list = ctx.item.Required("beam_heights");
    double previous = 0;
    for (double h : heights) {
      if (h <= previous + beam) {
        list.Fail("beam heights must rise by more than the beam height (" + std::to_string(beam) +
                  " m) from the floor and from each other");
      }
      previous = h;
    }
  } else {
    const int levels = ctx.item.Integer("levels");
    const double level_height = ctx.Number("level_height");
    for (int i = 1; i <= levels; ++i) heights.push_back(i * level_height);
  }
  if (heights.empty()) ctx.item.Required("beam_heights").Fail("give at least one beam height");
  ctx.entity.parameters["levels"] = static_cast<double>(heights.size());
  const double height = ctx.item.Has("height") ? ctx.Number("height") : heights.back() + 0.3;
  ctx.entity.parameters["height"] = height;
  if (height < heights.back()) {
    ctx.item.Required("height").Fail("the uprights must reach the top beam (" +
                                     std::to_string(heights.back()) + " m)");
  }

  const std::string steel_blue = ctx.build.Material("rack_upright_blue", "0.1 0.25 0.6 1", 0.4);
  const std::string beam_orange = ctx.build.Material("rack_beam_orange", "0.95 0.45 0.05 1", 0.4);
  const std::string deck_grey = ctx.build.Material("rack_deck_grey", "0.6 0.6 0.62 1", 0.3);

  // The origin is on the floor at the centre of the rack's footprint; x runs along the bays.
  const double pitch = bay_width + upright;
  const double total = bays * pitch + upright;
  for (int frame = 0; frame <= bays; ++frame) {
    const double x = -total / 2 + upright / 2 + frame * pitch;
    for (double side : {-1.0, 1.0}) {
      AddBox(
          ctx.root, ctx.Name("upright" + std::to_string(frame) + (side < 0 ? "_front" : "_back")),
          {upright / 2, upright / 2, height / 2}, {x, side * (depth - upright) / 2, height / 2}, "")
          ->SetAttribute("material", steel_blue.c_str());
    }
  }
  for (int bay = 0; bay < bays; ++bay) {
    const double x = -total / 2 + upright + bay * pitch + bay_width / 2;
    const std::string bay_name = "bay" + std::to_string(bay + 1);
    ctx.AddMount(bay_name + "/level0", {{x, 0, 0}, {1, 0, 0, 0}});
    for (size_t level = 0; level < heights.size(); ++level) {
      const double top = heights[level];
      const std::string level_name = bay_name + "/level" + std::to_string(level + 1);
      for (double side : {-1.0, 1.0}) {
        AddBox(ctx.root, ctx.Name(level_name + (side < 0 ? "/beam_front" : "/beam_back")),
               {bay_width / 2, 0.025, beam / 2}, {x, side * (depth / 2 - 0.025), top - beam / 2},
               "")
            ->SetAttribute("material", beam_orange.c_str());
      }
      AddBox(ctx.root, ctx.Name(level_name + "/deck"), {bay_width / 2, depth / 2 - 0.05, 0.005},
             {x, 0, top - 0.005}, "")
          ->SetAttribute("material", deck_grey.c_str());
      ctx.AddMount(level_name, {{x, 0, top}, {1, 0, 0, 0}});
    }
  }
}

}  // namespace twin::scenes::internal
