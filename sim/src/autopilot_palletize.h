// The `palletize` autopilot: a palletizing cell's PLC program. Cartons ride a conveyor to an end
// stop past a beam-break sensor; the arm picks each one with its suction cup and stacks it on a
// pallet in a pattern of columns x rows x layers.
//
// Parameters (`autopilot:` in the layout):
//   arm, gripper, conveyor, beam_break, pallet   names of the site's items (required)
//   pattern: [columns, rows, layers]             columns along the pallet's length (required)
//   gap: 0.03                                    metres between neighbouring cartons
//   clearance: 0.05                              metres a carried carton keeps above the stack
//   release_height: 0.005                        metres above its slot a carton is let go
// The cartons are the items of the site's spawners (one size, so that the pattern works); their
// size comes from the items' parameters.
#pragma once

#include <twin/scenes/site.h>
#include <twin/sim/autopilot.h>

#include <memory>

namespace twin::sim::internal {

std::shared_ptr<Autopilot> MakePalletizeAutopilot(SiteWorld& site,
                                                  const scenes::AutopilotSpec& spec);

}  // namespace twin::sim::internal
