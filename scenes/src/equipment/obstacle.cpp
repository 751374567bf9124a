// Static obstacles: a box or a cylinder fixed where it is placed (bollards, machines, posts).
#include "../equipment.h"

namespace twin::scenes::internal {

void BuildObstacle(EquipmentContext& ctx) {
  const std::string shape = ctx.item.Choice("shape", "box", {"box", "cylinder"});
  const std::string material = ctx.build.Material("obstacle_grey", "0.45 0.47 0.5 1");
  if (shape == "box") {
    const Vec3 size = ctx.Size("size", {0.5, 0.5, 1.0});
    Set(AddBox(ctx.root, ctx.Name("shape"), {size[0] / 2, size[1] / 2, size[2] / 2},
               {0, 0, size[2] / 2}, ""),
        "material", material);
    ctx.AddMount("", {{0, 0, size[2]}, {1, 0, 0, 0}});
  } else {
    const double radius = ctx.Positive("radius", 0.1);
    const double height = ctx.Positive("height", 1.0);
    Set(AddCylinder(ctx.root, ctx.Name("shape"), radius, height / 2, {0, 0, height / 2}, 'z', ""),
        "material", material);
    ctx.AddMount("", {{0, 0, height}, {1, 0, 0, 0}});
  }
}

}  // namespace twin::scenes::internal
