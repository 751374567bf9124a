// What can go wrong while stepping, as data: counters plus a readable description.
#pragma once

#include <cstdint>
#include <string>

namespace twin::sim {

/// What a World does when the simulation diverges (NaN/Inf in the state, MuJoCo's BADQPOS /
/// BADQVEL / BADQACC / BADCTRL, or a MuJoCo error inside a step).
enum class DivergencePolicy {
  kStop,   ///< Step() returns early; diverged() stays true until Reset(). The default.
  kReset,  ///< reset to the initial state and keep stepping; each reset is counted.
};

enum class AnomalyKind {
  kInertia,         ///< mjWARN_INERTIA: (near) singular inertia matrix
  kContactFull,     ///< mjWARN_CONTACTFULL: contact buffer full (raise <size nconmax>)
  kConstraintFull,  ///< mjWARN_CNSTRFULL: constraint buffer full (raise <size njmax>)
  kVisualGeomFull,  ///< mjWARN_VGEOMFULL
  kBadQpos,         ///< mjWARN_BADQPOS: NaN/Inf/huge qpos, MuJoCo reset the state
  kBadQvel,         ///< mjWARN_BADQVEL
  kBadQacc,         ///< mjWARN_BADQACC
  kBadCtrl,         ///< mjWARN_BADCTRL
  kNonFinite,       ///< twin's own check: NaN/Inf in qpos, qvel or act after a step
  kMujocoError,     ///< MuJoCo raised an error inside the step (e.g. stack overflow)
};
inline constexpr int kAnomalyKindCount = 10;

/// Short stable name, e.g. "BADQACC".
const char* AnomalyKindName(AnomalyKind kind);
/// True for the kinds that mean the state is no longer trustworthy.
bool IsDivergence(AnomalyKind kind);

/// One kind of anomaly seen by a World: how often, and the details of its first occurrence.
struct Anomaly {
  AnomalyKind kind;
  int64_t count = 0;       ///< occurrences (steps on which it was raised)
  int64_t first_step = 0;  ///< World step index (0-based) of the first occurrence
  double first_time = 0;   ///< simulated time of the first occurrence, seconds
  std::string where;       ///< e.g. "joint 'hip_x' (dof 6) of body 'thigh'"; may be empty
  std::string message;     ///< one line for a person: what, when, where, what to do
};

}  // namespace twin::sim
