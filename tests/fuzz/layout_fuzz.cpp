// Fuzz target: a layout with the files it includes, as `twin check/run/datagen` read them.
// The input is a bundle (fuzz_support.h): the main layout first, then "#@file NAME" sections
// for included layouts, models (MJCF, URDF) or meshes. The files are written to a fresh private
// folder and the main layout is loaded with scenes::LoadScene, as the CLI does.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <twin/scenes/scene.h>

#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace fuzz = twin::fuzz;
  const std::filesystem::path& dir = fuzz::ResetScratch();
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  for (const fuzz::BundleFile& file : fuzz::SplitBundle(input, "main.yaml"))
    fuzz::WriteFile(dir, file.name, file.text);
  fuzz::ExpectOnlyTwinErrors([&] { twin::scenes::LoadScene((dir / "main.yaml").string()); });
  return 0;
}
