#include "sha256.h"

#include <openssl/sha.h>

namespace promptjournal::detail {

void sha256_hex(std::string_view data, char* out) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  // One-shot SHA256() picks the CPU's SHA extensions when present.
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < SHA256_DIGEST_LENGTH; ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 15];
  }
}

std::string sha256_hex(std::string_view data) {
  std::string out(64, '0');
  sha256_hex(data, out.data());
  return out;
}

}  // namespace promptjournal::detail
