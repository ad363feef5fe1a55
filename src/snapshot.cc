#include "promptjournal/snapshot.h"

#include <boost/json.hpp>

#include <algorithm>
#include <cerrno>

#include "file_names.h"
#include "journal_format.h"
#include "json_read.h"
#include "json_util.h"
#include "sha256.h"

namespace promptjournal {

namespace json = boost::json;

std::string snapshot_path(const std::string& dir, std::uint64_t seq) {
  return detail::join(dir, detail::snapshot_name(seq));
}

json::object snapshot_document(const SessionState& state, const Position& at) {
  return detail::parse_json(encode_snapshot(state, at)).as_object();
}

// The file is to_dict's JSON with one key appended; that key ends with the
// SHA-256 of every byte before it, so a snapshot damaged anywhere, its
// metadata included, is noticed on open (docs/FORMAT.md, "Snapshots").
std::string encode_snapshot(const SessionState& state, const Position& at) {
  std::string out = json::serialize(to_dict(state));
  out.pop_back();  // the closing '}'
  json::object meta;
  meta.emplace("format", kSnapshotFormat);
  meta.emplace("seq", at.seq);
  meta.emplace("hash", at.hash);
  meta.emplace("offset", at.offset);
  meta.emplace("at", at.at);
  out += ",\"";
  out += kSnapshotKey;
  out += "\":";
  out += json::serialize(meta);
  out.back() = ',';  // the meta object's '}': the checksum comes last
  const std::string sum = detail::sha256_hex(out);
  out += kSnapshotSumLead;
  out += sum;
  out += "\"}}\n";
  return out;
}

std::string write_snapshot(FileSystem& fs, const std::string& dir, const SessionState& state,
                           const Position& at, Durability durability, std::uint64_t* bytes) {
  std::string final_path = snapshot_path(dir, at.seq);
  std::string body = encode_snapshot(state, at);
  if (bytes) *bytes = body.size();
  for (int attempt = 0;; ++attempt) {
    // A name of its own per writer: two writers of the same snapshot must never
    // rename each other's half-written file.
    std::string tmp = final_path + "." + new_uuid().substr(0, 8) + std::string(detail::kTempSuffix);
    try {
      auto f = fs.create_exclusive(tmp);
      // Locked until after the rename: the lock tells remove_stale_snapshot_temps
      // that a live writer owns the file. A cleaner that took the file between
      // the create and the lock removed it: start again under a new name.
      f->lock();
      if (!fs.exists(tmp)) {
        if (attempt < 3) continue;
        throw JournalError::io("cannot keep a snapshot temp file (removed while being written)", tmp, ENOENT);
      }
      f->append(body.data(), body.size());
      if (durability == Durability::kFsync) f->sync();
      fs.rename(tmp, final_path);
      f.reset();
      if (durability == Durability::kFsync) fs.sync_dir(dir);
      return final_path;
    } catch (...) {
      try {
        fs.remove(tmp);
      } catch (...) {
      }
      throw;
    }
  }
}

void remove_stale_snapshot_temps(FileSystem& fs, const std::string& dir) {
  for (const auto& name : fs.list_dir(dir)) {
    if (!name.starts_with(detail::kSnapshotPrefix) || !name.ends_with(detail::kTempSuffix)) continue;
    const std::string path = detail::join(dir, name);
    try {
      // Its writer holds the lock until the rename; a lock we can take means
      // the writer died (a lock dies with its process).
      auto f = fs.open_read(path);
      if (f->try_lock()) fs.remove(path);
    } catch (const JournalError&) {
      // Gone meanwhile (renamed into place), or not ours to remove: leave it.
    }
  }
}

std::vector<std::uint64_t> list_snapshots(FileSystem& fs, const std::string& dir) {
  std::vector<std::uint64_t> seqs;
  for (const auto& name : fs.list_dir(dir))
    if (auto seq = detail::parse_snapshot_name(name)) seqs.push_back(*seq);
  std::sort(seqs.begin(), seqs.end());
  return seqs;
}

LoadedSnapshot decode_snapshot(std::string_view text, const std::string& file) {
  auto bad = [&](const std::string& why) { return JournalError::corrupt("snapshot " + why, ErrorLocation{file, {}, {}, {}}); };
  boost::system::error_code ec;
  json::value doc = detail::parse_json(text, ec);
  if (ec || !doc.is_object()) throw bad("is not a JSON object");
  auto it = doc.get_object().find(kSnapshotKey);
  if (it == doc.get_object().end() || !it->value().is_object()) throw bad("has no promptjournal_snapshot key");
  const json::object& m = it->value().get_object();
  LoadedSnapshot out;
  out.path = file;
  out.bytes = text.size();
  try {
    const auto format = detail::get_int(m, "format", "snapshot");
    if (format == 1)
      throw JournalError(ErrorKind::kUnsupportedVersion,
                         "snapshot " + file + " is of format 1, written by an earlier build whose reader could "
                         "shift the last digit of a number: ignored (not a fault); the next snapshot replaces it",
                         ErrorLocation{file, {}, {}, {}});
    if (format != kSnapshotFormat) throw bad("has an unknown format " + std::to_string(format));
    out.position.seq = static_cast<std::uint64_t>(detail::get_int(m, "seq", "snapshot"));
    out.position.hash = detail::get_string(m, "hash", "snapshot");
    out.position.offset = static_cast<std::uint64_t>(detail::get_int(m, "offset", "snapshot"));
    out.position.at = detail::get_string(m, "at", "snapshot");
    // The file ends with "sha256":"<64 hex>"}} LF, the hash of every byte before it.
    constexpr std::size_t kTail = kSnapshotSumLead.size() + detail::kHashHexLen + 4;
    const std::string_view bytes(text);
    if (bytes.size() < kTail || bytes.substr(bytes.size() - kTail, kSnapshotSumLead.size()) != kSnapshotSumLead ||
        bytes.substr(bytes.size() - 4) != "\"}}\n")
      throw bad("does not end with \"sha256\":\"<64 hex>\"}} and a newline");
    const std::string_view sum = bytes.substr(bytes.size() - kTail + kSnapshotSumLead.size(), detail::kHashHexLen);
    if (detail::sha256_hex(bytes.substr(0, bytes.size() - kTail)) != sum ||
        detail::get_string(m, "sha256", "snapshot") != sum)
      throw bad("content was changed after it was written (sha256 mismatch)");
    out.state = state_from_dict(doc.get_object());
  } catch (const JournalError& e) {
    if (e.kind() == ErrorKind::kCorrupt || e.kind() == ErrorKind::kUnsupportedVersion) throw;
    throw bad("is malformed: " + e.reason());
  }
  if (!detail::is_hex_hash(out.position.hash) || out.position.seq == 0) throw bad("names no valid position");
  return out;
}

LoadedSnapshot load_snapshot(FileSystem& fs, const std::string& file, const std::string& journal_file) {
  auto bad = [&](const std::string& why) { return JournalError::corrupt("snapshot " + why, ErrorLocation{file, {}, {}, {}}); };
  LoadedSnapshot out = decode_snapshot(read_whole_file(fs, file), file);
  // The journal must hold, ending at the recorded offset, the whole line of
  // the event with the recorded hash, intact: its hash verifies. (Checking
  // only the line's last bytes is not enough: after a power loss without
  // fsync the sectors before them may hold zeros while this snapshot reached
  // the disk, and the session would then stand on events the journal lost.)
  auto j = fs.open_read(journal_file);
  const std::uint64_t end = out.position.offset;  // just after the line's '\n'
  if (end < detail::kHashSuffixLen + 1 || j->size() < end) throw bad("stands beyond the end of the journal");
  auto disagrees = [&] {
    return bad("disagrees with the journal: no intact event with hash " + out.position.hash.substr(0, 12) +
               "... ends at byte " + std::to_string(end));
  };
  // The line starts after the '\n' before it, or at the start of the file.
  std::uint64_t start = end - 1;
  std::string chunk;
  for (bool found = false; !found && start > 0;) {
    if (end - 1 - start > kMaxLineBytes) throw disagrees();
    const std::uint64_t from = start > (1u << 16) ? start - (1u << 16) : 0;
    chunk.resize(static_cast<std::size_t>(start - from));
    if (j->read_at(chunk.data(), chunk.size(), from) != chunk.size()) throw disagrees();
    auto nl = chunk.rfind('\n');
    start = nl == std::string::npos ? from : from + nl + 1;
    found = nl != std::string::npos;
  }
  std::string line(static_cast<std::size_t>(end - start), '\0');
  if (j->read_at(line.data(), line.size(), start) != line.size() || line.back() != '\n') throw disagrees();
  line.pop_back();
  if (!detail::line_carries_valid_hash(line) ||
      line.compare(line.size() - detail::kHashHexLen - detail::kLineEnd.size(), detail::kHashHexLen,
                   out.position.hash) != 0)
    throw disagrees();
  // Its seq and time are the event's own: a reader goes on from this position
  // and checks that times never decrease, so a wrong "at" here would make a
  // sound tail look corrupt.
  std::string why;
  auto e = decode_event_line(line, false, &why);
  if (!e || e->seq != out.position.seq || e->at != out.position.at)
    throw bad("disagrees with the journal: the event at byte " + std::to_string(start) +
              (e ? " has seq " + std::to_string(e->seq) + " and at " + e->at : " does not decode (" + why + ")"));
  return out;
}

std::optional<LoadedSnapshot> load_newest_snapshot(FileSystem& fs, const std::string& dir,
                                                   const std::string& journal_file,
                                                   std::vector<SnapshotProblem>* problems,
                                                   const std::function<bool(const Position&)>& usable) {
  auto seqs = list_snapshots(fs, dir);
  for (auto it = seqs.rbegin(); it != seqs.rend(); ++it) {
    std::string path = snapshot_path(dir, *it);
    try {
      LoadedSnapshot s = load_snapshot(fs, path, journal_file);
      if (s.position.seq != *it) throw JournalError::corrupt("snapshot file name and seq disagree", {path, {}, {}, {}});
      if (s.state.session_id.empty()) throw JournalError::corrupt("snapshot has no session id", {path, {}, {}, {}});
      if (usable && !usable(s.position)) continue;
      return s;
    } catch (const JournalError& e) {
      if (problems) problems->push_back({path, e.what()});
    }
  }
  return std::nullopt;
}

void prune_snapshots(FileSystem& fs, const std::string& dir, std::uint32_t keep) {
  auto seqs = list_snapshots(fs, dir);
  for (std::size_t i = 0; i + keep < seqs.size(); ++i) fs.remove(snapshot_path(dir, seqs[i]));
  // Only abandoned temp files: removing one a live writer holds made its
  // rename fail (a concurrent snapshot() failed with ENOENT).
  remove_stale_snapshot_temps(fs, dir);
}

}  // namespace promptjournal
