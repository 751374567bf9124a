// Static obstacles: a box or a cylinder fixed where it is placed (bollards, machines, posts).
#include "../equipment.h"

#include <vector>

namespace twin::scenes::internal {

const Block& ObstacleSchema() {
  static const Block block{
      "obstacle",
      "a fixed box or cylinder (bollards, machines, posts)",
      {
          Enum("shape", "box", {"box", "cylinder"}, "box (size) or cylinder (radius, height)"),
          [] {
            Param size = Vector("size", {0.5, 0.5, 1.0}, schema::kPositive, "m",
                                "a box's length, width, height", "every side must be > 0 metres");
            size.excludes = {"radius", "height"};  // a box's or a cylinder's
            return size;
          }(),
          Number("radius", 0.1, schema::kPositive, "m", "a cylinder's radius"),
          Number("height", 1.0, schema::kPositive, "m", "a cylinder's height"),
      }};
  return block;
}

void BuildObstacle(EquipmentContext& ctx) {
  const std::string shape = ctx.item.Text("shape");
  // The other shape's keys would be ignored: say so rather than build something else.
  for (const char* key : shape == "box" ? std::vector<const char*>{"radius", "height"}
                                        : std::vector<const char*>{"size"}) {
    if (ctx.item.Has(key)) {
      ctx.item.Required(key).Fail(std::string(key) + " is a setting of a " +
                                  (shape == "box" ? "cylinder" : "box") + "; this obstacle is a " +
                                  shape);
    }
  }
  const std::string material = ctx.build.Material("obstacle_grey", "0.45 0.47 0.5 1");
  if (shape == "box") {
    const Vec3 size = ctx.Size("size");
    Set(AddBox(ctx.root, ctx.Name("shape"), {size[0] / 2, size[1] / 2, size[2] / 2},
               {0, 0, size[2] / 2}, ""),
        "material", material);
    ctx.AddMount("", {{0, 0, size[2]}, {1, 0, 0, 0}});
  } else {
    const double radius = ctx.Number("radius");
    const double height = ctx.Number("height");
    Set(AddCylinder(ctx.root, ctx.Name("shape"), radius, height / 2, {0, 0, height / 2}, 'z', ""),
        "material", material);
    ctx.AddMount("", {{0, 0, height}, {1, 0, 0, 0}});
  }
}

}  // namespace twin::scenes::internal
