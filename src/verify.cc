#include "promptjournal/verify.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <optional>
#include <string_view>

#include <boost/json/serialize.hpp>

#include "file_names.h"
#include "promptjournal/projector.h"
#include "promptjournal/snapshot.h"

namespace promptjournal {

bool VerifyReport::ok() const noexcept {
  for (const auto& p : problems)
    if (p.kind != VerifyProblem::Kind::kTornTail && p.kind != VerifyProblem::Kind::kStaleSnapshot)
      return false;  // a damaged tail too
  return true;
}

std::string_view to_string(VerifyProblem::Kind kind) noexcept {
  switch (kind) {
    case VerifyProblem::Kind::kTornTail: return "torn tail";
    case VerifyProblem::Kind::kDamagedTail: return "damaged tail";
    case VerifyProblem::Kind::kCorrupt: return "corrupt";
    case VerifyProblem::Kind::kSnapshot: return "snapshot";
    case VerifyProblem::Kind::kMissing: return "missing";
    case VerifyProblem::Kind::kStaleSnapshot: return "stale snapshot";
  }
  return "?";
}

namespace {

// Parses a decimal that fits 64 bits (the whole of `digits`), or nullopt.
std::optional<std::uint64_t> parse_u64(std::string_view digits) {
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc{} || end != digits.data() + digits.size() || digits.empty()) return std::nullopt;
  return v;
}

// The torn-<offset>-<length>.bin files of a session folder, by offset. Other
// names are not ours and are left out.
std::vector<CutAside> list_cut_aside(FileSystem& fs, const std::string& dir) {
  constexpr std::string_view kSuffix = ".bin";
  std::vector<CutAside> out;
  for (const auto& name : fs.list_dir(dir)) {
    std::string_view n = name;
    if (!n.starts_with(detail::kTornPrefix) || !n.ends_with(kSuffix)) continue;
    n.remove_prefix(detail::kTornPrefix.size());
    n.remove_suffix(kSuffix.size());
    auto dash = n.find('-');
    if (dash == std::string_view::npos) continue;
    auto offset = parse_u64(n.substr(0, dash));
    auto bytes = parse_u64(n.substr(dash + 1));
    if (offset && bytes) out.push_back({detail::join(dir, name), *offset, *bytes});
  }
  std::sort(out.begin(), out.end(), [](const CutAside& a, const CutAside& b) { return a.offset < b.offset; });
  return out;
}

}  // namespace

VerifyReport verify_session(const std::string& root, const std::string& id, std::shared_ptr<FileSystem> fs) {
  if (!fs) fs = default_file_system();
  VerifyReport report;
  report.session_id = id;
  const std::string dir = session_dir(root, id);
  const std::string path = detail::join(dir, detail::kJournalFile);
  if (!fs->exists(path)) {
    report.problems.push_back({VerifyProblem::Kind::kMissing, {path, {}, {}, {}}, "no journal file"});
    return report;
  }
  // Snapshot agreement means more than a matching anchor: the snapshot's state
  // must equal the journal's state at that seq, so fold while scanning.
  const auto seqs = list_snapshots(*fs, dir);
  std::map<std::uint64_t, std::string> expected;
  JournalReader::Options opt;
  opt.verify_hashes = true;
  opt.session_id = id;
  JournalReader reader(*fs, path, opt);
  SessionState state;
  try {
    while (auto e = reader.next()) {
      try {
        apply(state, *e);
      } catch (const JournalError& bad) {
        throw JournalError::corrupt(bad.reason(), {path, reader.line(), reader.position().offset, e->seq});
      }
      ++report.events;
      if (std::binary_search(seqs.begin(), seqs.end(), e->seq))
        expected[e->seq] = boost::json::serialize(to_dict(state));
    }
    if (const auto& torn = reader.torn_tail()) {
      ErrorLocation where{path, reader.line() + 1, torn->offset, reader.position().seq + 1};
      if (torn->damaged)
        report.problems.push_back(
            {VerifyProblem::Kind::kDamagedTail, where,
             std::to_string(torn->bytes) + " bytes from here to the end of the file are not events: this line "
             "does not decode (" + torn->reason + ") and no later line carries a valid hash. Unsynced sectors "
             "after a power loss, or a changed last event; not history: the next writer cuts them aside into "
             "torn-" + std::to_string(torn->offset) + "-" + std::to_string(torn->bytes) + ".bin"});
      else
        report.problems.push_back({VerifyProblem::Kind::kTornTail, where,
                                   std::to_string(torn->bytes) +
                                       " bytes after the last complete line (a write cut short by a "
                                       "crash; not history, the next writer cuts it off)"});
    }
  } catch (const JournalError& e) {
    report.problems.push_back({VerifyProblem::Kind::kCorrupt, e.where(), e.reason()});
  }
  report.head = reader.position();
  // An empty file is the torn tail of a creation: the session's folder and
  // journal were made, and the process died (or the power went) before its
  // first event reached the file. Not history, not a fault; the next
  // create_session with this id writes seq 1.
  if (report.events == 0 && report.problems.empty())
    report.problems.push_back({VerifyProblem::Kind::kTornTail, {path, 1, 0, 1},
                               "the journal is empty: a creation cut short before its first event was written "
                               "(a crash); not a session yet, the next create with this id goes on"});
  report.cut_aside = list_cut_aside(*fs, dir);
  for (auto seq : seqs) {
    std::string snap = snapshot_path(dir, seq);
    ++report.snapshots_checked;
    try {
      LoadedSnapshot s = load_snapshot(*fs, snap, path);
      if (s.position.seq != seq)
        throw JournalError::corrupt("snapshot seq " + std::to_string(s.position.seq) + " differs from its name", {});
      auto it = expected.find(seq);
      if (it == expected.end())
        throw JournalError::corrupt("snapshot stands beyond the last valid event", {});
      if (boost::json::serialize(to_dict(s.state)) != it->second)
        throw JournalError::corrupt("snapshot content differs from the journal's state at seq " +
                                        std::to_string(seq) + " (it would be ignored)", {});
    } catch (const JournalError& e) {
      report.problems.push_back({e.kind() == ErrorKind::kUnsupportedVersion ? VerifyProblem::Kind::kStaleSnapshot
                                                                             : VerifyProblem::Kind::kSnapshot,
                                 {snap, {}, {}, seq}, e.reason()});
    }
  }
  return report;
}

}  // namespace promptjournal
