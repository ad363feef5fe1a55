// SHA-256 through OpenSSL's libcrypto, as lowercase hex. Reentrant.
#ifndef PROMPTJOURNAL_SRC_SHA256_H_
#define PROMPTJOURNAL_SRC_SHA256_H_

#include <string>
#include <string_view>

namespace promptjournal::detail {

// 64 lowercase hex digits.
std::string sha256_hex(std::string_view data);
// Writes the 64 hex digits into out[0..63].
void sha256_hex(std::string_view data, char* out);

}  // namespace promptjournal::detail

#endif  // PROMPTJOURNAL_SRC_SHA256_H_
