#include <twin/datagen/frame_name.h>

#include <cstdio>

namespace twin::datagen {

std::string FrameFileName(int64_t index, const char* extension) {
  char name[48];
  std::snprintf(name, sizeof name, "%06lld%s", static_cast<long long>(index), extension);
  return name;
}

}  // namespace twin::datagen
