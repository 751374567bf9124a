#include <twin/sim/anomaly.h>

namespace twin::sim {

const char* AnomalyKindName(AnomalyKind kind) {
  switch (kind) {
    case AnomalyKind::kInertia: return "INERTIA";
    case AnomalyKind::kContactFull: return "CONTACTFULL";
    case AnomalyKind::kConstraintFull: return "CNSTRFULL";
    case AnomalyKind::kVisualGeomFull: return "VGEOMFULL";
    case AnomalyKind::kBadQpos: return "BADQPOS";
    case AnomalyKind::kBadQvel: return "BADQVEL";
    case AnomalyKind::kBadQacc: return "BADQACC";
    case AnomalyKind::kBadCtrl: return "BADCTRL";
    case AnomalyKind::kNonFinite: return "NONFINITE";
    case AnomalyKind::kMujocoError: return "MUJOCO_ERROR";
  }
  return "?";
}

bool IsDivergence(AnomalyKind kind) {
  switch (kind) {
    case AnomalyKind::kBadQpos:
    case AnomalyKind::kBadQvel:
    case AnomalyKind::kBadQacc:
    case AnomalyKind::kNonFinite:
    case AnomalyKind::kMujocoError: return true;
    default: return false;
  }
}

}  // namespace twin::sim
