#include "promptjournal/diff.h"

#include <dtl/dtl.hpp>

namespace promptjournal {

namespace {

// Runs of white space and runs of everything else, in order.
std::vector<std::string> split_words(std::string_view s) {
  std::vector<std::string> out;
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t j = i;
    bool space = is_space(s[i]);
    while (j < s.size() && is_space(s[j]) == space) ++j;
    out.emplace_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

// Lines with their '\n'.
std::vector<std::string> split_lines(std::string_view s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t nl = s.find('\n', i);
    std::size_t end = nl == std::string_view::npos ? s.size() : nl + 1;
    out.emplace_back(s.substr(i, end - i));
    i = end;
  }
  return out;
}

std::vector<DiffSegment> diff_tokens(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  dtl::Diff<std::string, std::vector<std::string>> d(a, b);
  d.onHuge();  // bounded memory on long prompts
  d.compose();
  std::vector<DiffSegment> out;
  for (const auto& [token, info] : d.getSes().getSequence()) {
    DiffSegment::Op op = info.type == dtl::SES_ADD      ? DiffSegment::Op::kInsert
                         : info.type == dtl::SES_DELETE ? DiffSegment::Op::kDelete
                                                        : DiffSegment::Op::kEqual;
    if (!out.empty() && out.back().op == op)
      out.back().text += token;
    else
      out.push_back({op, token});
  }
  // Show a replacement as deletion then insertion, whatever order dtl chose.
  for (std::size_t i = 0; i + 1 < out.size(); ++i)
    if (out[i].op == DiffSegment::Op::kInsert && out[i + 1].op == DiffSegment::Op::kDelete) std::swap(out[i], out[i + 1]);
  return out;
}

}  // namespace

std::vector<DiffSegment> diff_words(std::string_view from, std::string_view to) {
  return diff_tokens(split_words(from), split_words(to));
}

std::vector<DiffSegment> diff_lines(std::string_view from, std::string_view to) {
  return diff_tokens(split_lines(from), split_lines(to));
}

std::string_view to_string(DiffSegment::Op op) noexcept {
  switch (op) {
    case DiffSegment::Op::kEqual: return "equal";
    case DiffSegment::Op::kInsert: return "insert";
    case DiffSegment::Op::kDelete: return "delete";
  }
  return "?";
}

}  // namespace promptjournal
