#include <twin/datagen/sha256.h>

#include <catch2/catch.hpp>

#include <string>

#include "error_message.h"
#include "process.h"
#include "python_cv.h"

using twin::datagen::Sha256File;
using twin::datagen::Sha256Hex;

TEST_CASE("SHA-256 gives the FIPS 180-2 test vectors", "[datagen][sha256]") {
  CHECK(Sha256Hex("abc", 3) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(Sha256Hex("", 0) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const std::string million(1000000, 'a');
  CHECK(Sha256Hex(million.data(), million.size()) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("Sha256File agrees with sha256sum, across its read chunks", "[datagen][sha256]") {
  twin::testing::TempDir dir;
  // 2.5 MiB of varied bytes: several 1 MiB chunks and a partial one.
  std::string bytes(5 << 19, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>((i * 2654435761u) >> 13);
  twin::testing::WriteText(dir / "data.bin", bytes);
  twin::testing::WriteText(dir / "empty.bin", "");
  for (const std::string name : {"data.bin", "empty.bin"}) {
    const auto result = twin::testing::RunProcess({"/usr/bin/sha256sum", dir / name});
    REQUIRE(result.exit_code == 0);
    CHECK(Sha256File(dir / name) == result.out.substr(0, 64));
  }
  CHECK(Sha256File(dir / "data.bin") == Sha256Hex(bytes.data(), bytes.size()));
}

TEST_CASE("Sha256File names a file it cannot read", "[datagen][sha256]") {
  twin::testing::TempDir dir;
  CHECK(twin::testing::ErrorMessage([&] { Sha256File(dir / "missing"); }) ==
        "cannot read '" + (dir / "missing") + "' to hash it: No such file or directory");
  CHECK(twin::testing::ErrorMessage([&] { Sha256File(dir.path()); }) ==
        "cannot read '" + dir.path() + "' to hash it: Is a directory");
}
