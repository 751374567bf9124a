// SHA-256 of bytes and of files, through OpenSSL's EVP interface, as lower-case hex (what
// `sha256sum` prints).
#pragma once

#include <cstddef>
#include <string>

namespace twin::datagen {

std::string Sha256Hex(const void* data, size_t size);

/// Hashes the file in chunks; throws twin::base::Error naming `path` when it cannot be read.
std::string Sha256File(const std::string& path);

}  // namespace twin::datagen
