#include "numbers.h"

namespace pjournal {

std::optional<std::uint64_t> parse_whole_number(const std::string& text, std::uint64_t min, std::uint64_t max) {
  if (text.empty()) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto d = static_cast<std::uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return std::nullopt;  // past 2^64-1
    v = v * 10 + d;
  }
  if (v < min || v > max) return std::nullopt;
  return v;
}

std::string whole_number_problem(const std::string& text, std::uint64_t min, std::uint64_t max) {
  if (parse_whole_number(text, min, max)) return {};
  return "'" + text + "' is not a whole number from " + std::to_string(min) + " to " + std::to_string(max);
}

CLI::Validator whole_number(std::uint64_t min, std::uint64_t max) {
  return CLI::Validator(
      [min, max](std::string& text) -> std::string {
        auto v = parse_whole_number(text, min, max);
        if (!v) return whole_number_problem(text, min, max);
        text = std::to_string(*v);
        return {};
      },
      "", "whole_number");
}

}  // namespace pjournal
