// Strict whole numbers on the command line: every numeric option and
// argument of pjournal goes through one validator, so "-1", "", "2^64",
// "1e3", " 5" or a value past the option's range is a usage error (exit 2)
// naming the option, never a wrapped, clamped, octal or ignored value.
#ifndef PROMPTJOURNAL_TOOLS_PJOURNAL_NUMBERS_H_
#define PROMPTJOURNAL_TOOLS_PJOURNAL_NUMBERS_H_

#include <cstdint>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

namespace pjournal {

// The value of `text` when it is decimal digits only (no sign, space, "0x"
// or exponent; leading zeros allowed) between `min` and `max`; otherwise
// nothing. Never throws.
std::optional<std::uint64_t> parse_whole_number(const std::string& text, std::uint64_t min = 0,
                                                std::uint64_t max = UINT64_MAX);

// Empty when parse_whole_number accepts `text`, else why not, for an error
// after the option's name: "'-1' is not a whole number from 0 to 9".
std::string whole_number_problem(const std::string& text, std::uint64_t min = 0, std::uint64_t max = UINT64_MAX);

// A CLI11 transform (give it to Option::transform, not check, which may not
// change the value) accepting what parse_whole_number accepts. It rewrites
// the value in plain decimal (CLI11 alone reads "010" as octal 8), and its
// error names the option: "--at: '-1' is not a whole number from 0 to ...".
CLI::Validator whole_number(std::uint64_t min = 0, std::uint64_t max = UINT64_MAX);

}  // namespace pjournal

#endif  // PROMPTJOURNAL_TOOLS_PJOURNAL_NUMBERS_H_
