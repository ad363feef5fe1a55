// UTF-8 validation and decoding. Internal; reentrant.
#ifndef PROMPTJOURNAL_SRC_UTF8_H_
#define PROMPTJOURNAL_SRC_UTF8_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace promptjournal::detail {

// Decodes the code point starting at s[i] and advances i past it. Returns
// false (leaving i) for an ill-formed sequence: overlong forms, surrogates,
// values above U+10FFFF and truncated sequences are ill-formed.
bool utf8_next(std::string_view s, std::size_t& i, std::uint32_t* cp = nullptr) noexcept;
// True when the whole of `s` is well-formed UTF-8. Returns the offset of the
// first bad byte in *bad when not.
bool is_valid_utf8(std::string_view s, std::size_t* bad = nullptr) noexcept;

}  // namespace promptjournal::detail

#endif  // PROMPTJOURNAL_SRC_UTF8_H_
