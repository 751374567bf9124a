// Printing what a World went through, shared by the verbs.
#pragma once

#include <twin/sim/world.h>

#include <cstdio>

namespace twin::tools {

/// "  warnings    none" or one indented line per anomaly kind (count, first step/time, where).
void PrintAnomalies(const sim::World& world, std::FILE* out);

/// True when some anomaly recorded by the world means its physics cannot be trusted
/// (divergence, or a contact/constraint buffer that overflowed and dropped constraints).
bool HasSeriousAnomaly(const sim::World& world);

}  // namespace twin::tools
