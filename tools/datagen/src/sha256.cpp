#include <twin/datagen/sha256.h>

#include <openssl/evp.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include <twin/base/error.h>

namespace twin::datagen {
namespace {

using DigestContext = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

DigestContext NewContext() {
  DigestContext ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  // Only fails when out of memory.
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1)
    throw base::Error("SHA-256: OpenSSL could not start a digest");
  return ctx;
}

std::string Finish(EVP_MD_CTX* ctx) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(ctx, digest, &length) != 1)
    throw base::Error("SHA-256: OpenSSL could not finish a digest");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex(2 * length, '0');
  for (unsigned int i = 0; i < length; ++i) {
    hex[2 * i] = kHex[digest[i] >> 4];
    hex[2 * i + 1] = kHex[digest[i] & 15];
  }
  return hex;
}

}  // namespace

std::string Sha256Hex(const void* data, size_t size) {
  DigestContext ctx = NewContext();
  if (EVP_DigestUpdate(ctx.get(), data, size) != 1)
    throw base::Error("SHA-256: OpenSSL could not hash the data");
  return Finish(ctx.get());
}

std::string Sha256File(const std::string& path) {
  std::unique_ptr<FILE, decltype(&std::fclose)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) throw base::Error("cannot read '" + path + "' to hash it: " + std::strerror(errno));
  DigestContext ctx = NewContext();
  std::vector<unsigned char> chunk(1 << 20);
  size_t n = 0;
  while ((n = std::fread(chunk.data(), 1, chunk.size(), file.get())) > 0) {
    if (EVP_DigestUpdate(ctx.get(), chunk.data(), n) != 1)
      throw base::Error("SHA-256: OpenSSL could not hash '" + path + "'");
  }
  if (std::ferror(file.get()))
    throw base::Error("cannot read '" + path + "' to hash it: " + std::strerror(errno));
  return Finish(ctx.get());
}

}  // namespace twin::datagen
