// Diffs between two versions of a text, word by word or line by line, for
// showing how a prompt changed. Built on dtl (Myers' O(ND) algorithm).
//
// Word diffs split the text into runs of non-space and runs of white space, so
// joining the segments of one side gives back that side exactly.
// Thread-safety: pure functions. Errors: none (std::bad_alloc only).
#ifndef PROMPTJOURNAL_DIFF_H_
#define PROMPTJOURNAL_DIFF_H_

#include <string>
#include <string_view>
#include <vector>

namespace promptjournal {

struct DiffSegment {
  enum class Op { kEqual, kInsert, kDelete };
  Op op;
  std::string text;
  bool operator==(const DiffSegment&) const = default;
};

// The segments turning `from` into `to`; adjacent segments of one op are merged.
std::vector<DiffSegment> diff_words(std::string_view from, std::string_view to);
// As diff_words, by lines (each segment's text keeps its '\n's).
std::vector<DiffSegment> diff_lines(std::string_view from, std::string_view to);

// "equal", "insert", "delete".
std::string_view to_string(DiffSegment::Op op) noexcept;

}  // namespace promptjournal

#endif  // PROMPTJOURNAL_DIFF_H_
