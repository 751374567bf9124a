// The Vulkan context: device choice from a user's --device text, and (sanitizer builds) the
// driver pinning LeakSanitizer needs on every path, error paths included.
#include <catch2/catch.hpp>

#include <dlfcn.h>

#include <string>

#include <twin/base/error.h>
#include <twin/render/context.h>

#include "error_message.h"

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

TEST_CASE("A device index or name that matches nothing is a clear error", "[render][context]") {
  // Any length of digits: compared as text, never converted (no std::out_of_range escapes).
  for (const char* device : {"7", "99999999999999999999", "no_such_gpu"}) {
    CAPTURE(device);
    const std::string message = twin::testing::ErrorMessage([&] {
      twin::render::Context context(twin::render::ContextOptions{device, false});
    });
    CHECK_THAT(message, StartsWith(std::string("--device ") + device +
                                   ": no such Vulkan device; this machine has:") &&
                            Contains("0: "));
  }
  // Leading zeros name the same index.
  twin::render::Context first(twin::render::ContextOptions{"000", false});
  CHECK(first.device_info().index == 0);
}

#if defined(__SANITIZE_ADDRESS__)
TEST_CASE("Sanitizer builds keep the Vulkan drivers loaded after a failed context",
          "[render][context]") {
  // A context that fails after its instance exists (an unknown device) destroys the instance;
  // the loader would then unload lavapipe, and LeakSanitizer could no longer name its frames.
  CHECK_THROWS_AS(twin::render::Context(twin::render::ContextOptions{"7", false}),
                  twin::base::Error);
  CHECK(dlopen("libvulkan_lvp.so", RTLD_LAZY | RTLD_NOLOAD) != nullptr);
}
#endif
