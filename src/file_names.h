// Names of the files in a session folder (docs/FORMAT.md, "Layout").
#ifndef PROMPTJOURNAL_SRC_FILE_NAMES_H_
#define PROMPTJOURNAL_SRC_FILE_NAMES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace promptjournal::detail {

inline constexpr std::string_view kJournalFile = "events.jsonl";
inline constexpr std::string_view kSnapshotPrefix = "snapshot-";
inline constexpr std::string_view kSnapshotSuffix = ".json";
inline constexpr std::string_view kTempSuffix = ".tmp";
inline constexpr std::string_view kTornPrefix = "torn-";

std::string join(const std::string& dir, std::string_view name);
// The seq of "snapshot-<20 digits>.json", nullopt for any other name.
std::optional<std::uint64_t> parse_snapshot_name(std::string_view name);
std::string snapshot_name(std::uint64_t seq);

}  // namespace promptjournal::detail

#endif  // PROMPTJOURNAL_SRC_FILE_NAMES_H_
