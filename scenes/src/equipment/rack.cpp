// Selective pallet rack: bays side by side along x, beam levels up the uprights, a deck on each
// level. Defaults follow common European racking (2.7 m clear bay for three EUR pallets, 1.1 m
// deep frames, 80 mm uprights, 120 mm box beams).
#include "../equipment.h"

#include <twin/base/error.h>

namespace twin::scenes::internal {

void BuildRack(EquipmentContext& ctx) {
  const int bays = ctx.item.Integer("bays", 2, 1, 50);
  ctx.entity.parameters["bays"] = bays;
  const double bay_width = ctx.Positive("bay_width", 2.7);
  const double depth = ctx.Positive("depth", 1.1);
  const double upright = ctx.Positive("upright", 0.08);
  const double beam = ctx.Positive("beam_height", 0.12);

  // Beam levels: an explicit list of heights (top of the beam), or `levels` evenly spaced.
  std::vector<double> heights;
  if (const auto list = ctx.item.Optional("beam_heights")) {
    heights = list->AsNumbers();
    double previous = 0;
    for (double h : heights) {
      if (h <= previous + beam) {
        list->Fail("beam heights must rise by more than the beam height (" + std::to_string(beam) +
                   " m) from the floor and from each other");
      }
      previous = h;
    }
    ctx.item.Optional("levels");
    ctx.item.Optional("level_height");
  } else {
    const int levels = ctx.item.Integer("levels", 3, 1, 20);
    const double level_height = ctx.Positive("level_height", 1.5);
    for (int i = 1; i <= levels; ++i) heights.push_back(i * level_height);
  }
  if (heights.empty()) ctx.item.Required("beam_heights").Fail("give at least one beam height");
  ctx.entity.parameters["levels"] = static_cast<double>(heights.size());
  const double height = ctx.Positive("height", heights.back() + 0.3);
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
