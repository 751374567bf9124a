#include <twin/bridge/basic_messages.h>

#include <cmath>

namespace twin::bridge {

Time Time::FromSeconds(double seconds) {
  return {std::llround(seconds * 1e9)};
}

Duration Duration::FromSeconds(double seconds) {
  return {std::llround(seconds * 1e9)};
}

}  // namespace twin::bridge
