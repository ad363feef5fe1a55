// The history of a session's prompts, read from its journal: every version of
// the optimized prompt and of the human input, when it was made, the feedback
// given while it was current, and the diff from the version before. This is
// the model behind `pjournal history`, `diff` and `audit`.
//
// Thread-safety: reentrant. Errors: JournalError (kNotFound for an unknown
// session, kCorrupt for a damaged journal).
#ifndef PROMPTJOURNAL_HISTORY_H_
#define PROMPTJOURNAL_HISTORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "promptjournal/diff.h"
#include "promptjournal/event.h"
#include "promptjournal/feedback.h"
#include "promptjournal/session_manager.h"
#include "promptjournal/verify.h"

namespace promptjournal {

enum class PromptField { kOptimizedPrompt, kHumanInput };
// "optimized_prompt", "human_input".
std::string_view to_string(PromptField f) noexcept;
std::optional<PromptField> prompt_field_from_string(std::string_view s) noexcept;

struct PromptVersion {
  PromptField field;
  int version = 0;           // 1-based within the field
  std::uint64_t seq = 0;     // the event that set it
  std::string at;            // when (UTC)
  std::string text;
  std::vector<std::string> caused_by;  // lineage named by the update, if any
  // Feedback added while this version was the current one of the field that
  // feedback is about: the optimized prompt once there is one, before that
  // the human input.
  std::vector<Feedback> feedback;
  std::vector<std::uint64_t> feedback_seqs;
};

struct SessionHistory {
  std::string session_id;
  std::vector<PromptVersion> human_input;
  std::vector<PromptVersion> optimized_prompt;
  // Every event in order, for timelines: seq, time, type, a one-line summary.
  struct Entry {
    std::uint64_t seq;
    std::string at;
    std::string type;
    std::string summary;
  };
  std::vector<Entry> timeline;

  const std::vector<PromptVersion>& versions(PromptField f) const {
    return f == PromptField::kHumanInput ? human_input : optimized_prompt;
  }
};

// Reads the whole journal once (streaming). Throws kNotFound for an unknown
// id (see session_manager.h, "Unknown ids"), kCorrupt for a damaged journal.
SessionHistory read_history(SessionManager& manager, const std::string& session_id);

// The audit of a session: integrity first, then the history and, for every
// version after the first, the word diff from the one before.
struct AuditReport {
  VerifyReport integrity;
  SessionInfo info;
  SessionState head;
  SessionHistory history;
  // diffs[field][i] = diff from version i to version i+1 (1-based versions).
  std::vector<std::vector<DiffSegment>> human_input_diffs;
  std::vector<std::vector<DiffSegment>> optimized_prompt_diffs;
};

// Throws JournalError(kNotFound) for an unknown session; a damaged journal is
// reported in integrity, and the history then covers the events before the damage.
AuditReport audit_session(SessionManager& manager, const std::string& session_id);

// A one-line summary of an event for listings ("feedback f1: \"...\"").
std::string summarize(const Event& e, std::size_t max_chars = 60);

// At most `max` code points of `s` on one line: newlines, carriage returns and
// tabs shown as spaces, "..." when cut. Never splits a UTF-8 sequence.
std::string one_line(std::string_view s, std::size_t max);

// `s` with every character a terminal would act on rather than show, or that
// hides or reorders text, written out visibly (as less and git show them), for
// human-readable output; JSON and HTML outputs escape on their own. Shown:
//  - C0 controls and DEL in caret form: ESC "^[", CR "^M", DEL "^?"; newline
//    and tab too ("^J", "^I") unless `keep_lines` (multi-line layouts keep
//    them, and one_line has made them spaces already);
//  - C1 controls U+0080..U+009F (U+009B is CSI, U+009D OSC) as "<U+009B>";
//  - bidi controls U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069
//    (text shown reordered), and invisible characters that can hide text:
//    U+200B, U+2028, U+2029, U+2060..U+2064, U+206A..U+206F, U+FEFF,
//    U+FFF9..U+FFFB and the tags U+E0000..U+E007F, all as "<U+XXXX>";
//  - bytes that are not UTF-8 as "<9B>".
// Joiners U+200C/U+200D and variation selectors are left alone (scripts and
// emoji need them). Everything else is copied unchanged. Never throws but
// std::bad_alloc.
std::string visible_text(std::string_view s, bool keep_lines = false);

}  // namespace promptjournal

#endif  // PROMPTJOURNAL_HISTORY_H_
