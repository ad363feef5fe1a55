// Compatibility with promptomatix session files, both ways.
//
// Import reads anything Python's json module writes, including what strict
// JSON lacks: NaN/Infinity/-Infinity and integers beyond 64 bits are kept
// exactly, as reserved one-key objects {"$pj.float": "NaN"} and
// {"$pj.int": "<digits>"} (docs/FORMAT.md, "Values JSON cannot carry"); a lone
// surrogate escape cannot live in UTF-8 and becomes U+FFFD, reported with its
// field. Export writes the bytes promptomatix's _save_session would write for
// the same state (json.dump(indent=2), ensure_ascii, Python float repr), with
// one intended difference: providers are their string value, never {}.
//
// Thread-safety: reentrant. Errors: import returns refusals as data; export
// throws nothing but std::bad_alloc.
#ifndef PROMPTJOURNAL_PROMPTOMATIX_H_
#define PROMPTJOURNAL_PROMPTOMATIX_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "promptjournal/errors.h"
#include "promptjournal/file_system.h"
#include "promptjournal/options.h"
#include "promptjournal/projector.h"
#include "promptjournal/session_manager.h"

namespace promptjournal {

// Keys of the reserved objects. Persisted: do not change.
inline constexpr std::string_view kPythonFloatKey = "$pj.float";
inline constexpr std::string_view kPythonIntKey = "$pj.int";

struct ImportWarning {
  std::string field;    // a path like "config.model_provider" or "latest_human_feedback[2].text"
  std::string message;  // what was found and what was kept instead
};

// Parses text as Python's json.loads would, tagging Python-only values (see
// above). Throws JournalError(kInvalidArgument) with the byte offset for text
// Python would reject too.
boost::json::value parse_python_json(std::string_view text, std::vector<ImportWarning>* warnings);

// The bytes of the session file promptomatix would write for `state`: its
// to_dict without a feedback's prompt_id, which promptomatix's format lacks.
// Writes what `state` holds, credentials included (a session object keeps
// its caller's config whole): save_session_file redacts them.
std::string export_promptomatix(const SessionState& state);

struct SaveOptions {
  enum class Shape {
    // to_dict, every field (a feedback's prompt_id included), in Python's
    // json.dump(indent=2) text: load_session_from_file restores it whole.
    kComplete,
    // export_promptomatix's bytes: what promptomatix itself reads and writes.
    kPromptomatix,
  };
  // --- behaviour ---
  Shape shape = Shape::kComplete;
  bool keep_secrets = false;  // credentials are written as "[REDACTED]" unless true
  // kFsync: the file and its folder entry are durable on return.
  Durability durability = Durability::kFsync;
  std::shared_ptr<FileSystem> fs;  // default: POSIX
};

// Saves `state` as a session file at `path` (promptomatix's _save_session),
// replacing any file there atomically: the bytes go to a temp file in the
// same folder, which is synced and renamed over `path`, so `path` holds the
// old file or the new one, never a part. load_session_from_file reads it back
// (into a manager without that session, or one holding the same state).
// Throws JournalError (kIo naming the path; kInvalidArgument for an empty path).
void save_session_file(const SessionState& state, const std::string& path, const SaveOptions& options = {});
// json.dumps(value, indent=2) as Python writes it (reserved objects unwrapped).
std::string python_json_dump(const boost::json::value& value);

struct ImportOptions {
  bool keep_secrets = false;          // keep API keys (redacted otherwise)
  std::optional<std::string> as_id;   // import under another session id
};

struct ImportResult {
  enum class Outcome { kImported, kUnchanged, kRefused };
  Outcome outcome = Outcome::kRefused;
  std::string path;
  std::string session_id;
  std::string source_sha256;
  std::uint64_t events = 0;
  std::vector<ImportWarning> warnings;
  // Config keys of the source file that hold a credential in plain text
  // (is_secret_key, a non-empty string), whether or not it was kept.
  std::vector<std::string> credentials;
  std::string message;  // why it was refused or left unchanged
  // Why it was refused, as data: kInvalidSessionId or kAlreadyExists (an
  // id to import under another one, ImportOptions::as_id), kInvalidArgument
  // (not a session file), kNotFound / kIo / kTooLarge (the file could not be
  // read), or another kind a write failed with. Empty unless kRefused.
  std::optional<ErrorKind> refusal;
};

// "imported", "unchanged", "refused".
std::string_view to_string(ImportResult::Outcome o) noexcept;

// Imports one promptomatix session file as a new journal whose events record
// the import and the source's SHA-256 (meta.import). Importing the same file
// again changes nothing; an id that exists with other content is refused.
// A source that is not a regular file (a FIFO, a device, a folder) or holds
// more than kMaxLineBytes is refused without blocking or reading further.
ImportResult import_promptomatix_file(SessionManager& manager, const std::string& path,
                                      const ImportOptions& options = {});

}  // namespace promptjournal

#endif  // PROMPTJOURNAL_PROMPTOMATIX_H_
