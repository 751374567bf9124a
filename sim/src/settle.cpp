#include <twin/sim/settle.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace twin::sim {
namespace {

bool Collides(const mjModel* m, int g) {
  return m->geom_contype[g] != 0 || m->geom_conaffinity[g] != 0;
}
bool IsStatic(const mjModel* m, int g) {
  return m->body_weldid[m->geom_bodyid[g]] == 0;
}
int RootOf(const mjModel* m, int g) {
  return m->body_rootid[m->geom_bodyid[g]];
}
double Distance(const mjtNum* a, const mjtNum* b) {
  return std::hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}
// Whether geoms g and h can touch while each stays within `reach` of where it is.
bool Near(const mjModel* m, const mjData* d, int g, int h, double reach) {
  return Distance(d->geom_xpos + 3 * g, d->geom_xpos + 3 * h) <=
         m->geom_rbound[g] + m->geom_rbound[h] + reach;
}

// Roots of the trees an equality constraint ties to something.
std::vector<bool> TiedRoots(const mjModel* m) {
  std::vector<bool> tied(m->nbody, false);
  for (int e = 0; e < m->neq; ++e) {
    for (const int id : {m->eq_obj1id[e], m->eq_obj2id[e]}) {
      if (id < 0) continue;
      switch (m->eq_type[e]) {
        case mjEQ_CONNECT:
        case mjEQ_WELD: tied[m->body_rootid[id]] = true; break;
        case mjEQ_JOINT: tied[m->body_rootid[m->jnt_bodyid[id]]] = true; break;
        case mjEQ_DISTANCE: tied[m->body_rootid[m->geom_bodyid[id]]] = true; break;
        default: std::fill(tied.begin(), tied.end(), true);  // tendons: keep every tree in
      }
    }
  }
  return tied;
}

}  // namespace

double Settle(World& world, const std::vector<int>& bodies, const scenes::SettleSpec& spec,
              bool* settled, const std::function<bool()>& stop) {
  constexpr double kMinTime = 0.1, kHold = 0.05;
  const double start = world.time();
  double calm_since = -1;
  *settled = false;
  while (world.time() - start < spec.max_time) {
    if (world.Step(1) < 1) return world.time() - start;  // diverged
    if (stop && stop()) return world.time() - start;
    const double t = world.time() - start;
    double fastest = 0;
    for (int b : bodies) {
      mjtNum v[6];
      mj_objectVelocity(world.model(), world.data(), mjOBJ_BODY, b, v, 0);
      fastest = std::max({fastest, std::hypot(v[0], v[1], v[2]), std::hypot(v[3], v[4], v[5])});
    }
    if (fastest >= spec.speed) {
      calm_since = -1;
      continue;
    }
    if (calm_since < 0) calm_since = t;
    if (t >= kMinTime && t - calm_since >= kHold) {
      *settled = true;
      break;
    }
  }
  return world.time() - start;
}

std::vector<int> UnreachableStaticGeoms(const mjModel* m, const mjData* d, double reach) {
  std::vector<int> moving;
  for (int g = 0; g < m->ngeom; ++g)
    if (Collides(m, g) && !IsStatic(m, g)) moving.push_back(g);
  std::vector<int> unreachable;
  for (int g = 0; g < m->ngeom; ++g) {
    if (!Collides(m, g) || !IsStatic(m, g) || m->geom_type[g] == mjGEOM_PLANE ||
        m->geom_type[g] == mjGEOM_HFIELD)
      continue;
    const bool near =
        std::any_of(moving.begin(), moving.end(), [&](int h) { return Near(m, d, g, h, reach); });
    if (!near) unreachable.push_back(g);
  }
  return unreachable;
}

std::vector<int> UnreachableTrees(const mjModel* m, const mjData* d, const std::vector<int>& bodies,
                                  double reach, const std::vector<bool>& skip_root) {
  // Colliding geoms of moving trees, by root.
  std::vector<std::vector<int>> geoms(m->nbody);
  for (int g = 0; g < m->ngeom; ++g)
    if (Collides(m, g) && !IsStatic(m, g)) geoms[RootOf(m, g)].push_back(g);
  const std::vector<bool> tied = TiedRoots(m);
  // Grow the set of trees that take part from the settling ones (and any tree that must stay in)
  // until no tree outside it is within reach of one inside.
  std::vector<bool> active(m->nbody, false);
  for (int b : bodies) active[m->body_rootid[b]] = true;
  std::vector<int> candidates;
  for (int root = 1; root < m->nbody; ++root) {
    if (m->body_rootid[root] != root || geoms[root].empty() || active[root]) continue;
    if (tied[root] || (!skip_root.empty() && skip_root[root]))
      active[root] = true;
    else
      candidates.push_back(root);
  }
  for (bool grew = true; grew;) {
    grew = false;
    for (int root : candidates) {
      if (active[root]) continue;
      for (int other = 1; other < m->nbody && !active[root]; ++other) {
        if (!active[other]) continue;
        for (int g : geoms[root]) {
          const auto& theirs = geoms[other];
          if (std::any_of(theirs.begin(), theirs.end(),
                          [&](int h) { return Near(m, d, g, h, reach); })) {
            active[root] = grew = true;
            break;
          }
        }
      }
    }
  }
  std::vector<int> unreachable;
  for (int root : candidates)
    if (!active[root]) unreachable.push_back(root);
  return unreachable;
}

double SettlePlaced(World& world, const std::vector<int>& bodies, const scenes::SettleSpec& spec,
                    const std::vector<bool>& skip_root, bool* settled) {
  mjModel* m = world.mutable_model();
  mjData* d = world.data();
  const WorldSnapshot before = world.Snapshot();
  // The settle's own time step, if it has one, until this returns (a throw included).
  struct TimestepScope {
    mjModel* m;
    double site;
    ~TimestepScope() { m->opt.timestep = site; }
  } timestep_scope{m, m->opt.timestep};
  if (spec.timestep) m->opt.timestep = *spec.timestep;

  // Sitting out: the unreachable trees, then the static geoms nothing still taking part reaches.
  std::vector<bool> out_root(m->nbody, false);
  for (int root : UnreachableTrees(m, d, bodies, kSettleReach, skip_root)) out_root[root] = true;
  std::vector<std::array<int, 3>> switched;  // geom, contype, conaffinity
  auto switch_off = [&](int g) {
    switched.push_back({g, m->geom_contype[g], m->geom_conaffinity[g]});
    m->geom_contype[g] = m->geom_conaffinity[g] = 0;
  };
  for (int g = 0; g < m->ngeom; ++g)
    if (Collides(m, g) && out_root[RootOf(m, g)]) switch_off(g);
  for (int g : UnreachableStaticGeoms(m, d, kSettleReach)) switch_off(g);

  std::vector<std::pair<int, std::array<mjtNum, 3>>> moving;
  for (int g = 0; g < m->ngeom; ++g)
    if (Collides(m, g) && !IsStatic(m, g))
      moving.push_back(
          {g, {d->geom_xpos[3 * g], d->geom_xpos[3 * g + 1], d->geom_xpos[3 * g + 2]}});
  bool escaped = false;
  const double time = Settle(world, bodies, spec, settled, [&] {
    for (const auto& [g, start] : moving)
      if (Distance(d->geom_xpos + 3 * g, start.data()) > kSettleReach) return escaped = true;
    return false;
  });
  for (const auto& [g, contype, conaffinity] : switched) {
    m->geom_contype[g] = contype;
    m->geom_conaffinity[g] = conaffinity;
  }
  if (escaped) {
    world.Restore(before);
    return Settle(world, bodies, spec, settled);
  }
  // The trees that sat out (falling freely, touching nothing) go back to where they stood.
  for (int j = 0; j < m->njnt; ++j) {
    if (!out_root[m->body_rootid[m->jnt_bodyid[j]]]) continue;
    const int type = m->jnt_type[j];
    const int nq = type == mjJNT_FREE ? 7 : type == mjJNT_BALL ? 4 : 1;
    const int nv = type == mjJNT_FREE ? 6 : type == mjJNT_BALL ? 3 : 1;
    std::copy_n(before.qpos.begin() + m->jnt_qposadr[j], nq, d->qpos + m->jnt_qposadr[j]);
    std::copy_n(before.qvel.begin() + m->jnt_dofadr[j], nv, d->qvel + m->jnt_dofadr[j]);
  }
  return time;
}

}  // namespace twin::sim
