// SessionLogger: structured log entries about a session, on Boost.Log.
//
// Each entry is one Boost.Log record with the attributes "SessionId" and
// "EntryType" (SESSION_START, COMMENT_ADDED, PROMPT_UPDATE, INPUT_UPDATE,
// ERROR) and, as its message, a JSON object like the original's entries.
// The application chooses the sinks; the library is quiet by default: records
// are only emitted after set_enabled(true). A SessionLogger holds no file or
// handle (the original opened two files per session and never closed them).
// Thread-safety: all members may be called from any thread.
#ifndef PROMPTJOURNAL_LOGGER_H_
#define PROMPTJOURNAL_LOGGER_H_

#include <string>
#include <string_view>

#include <boost/json/object.hpp>

namespace promptjournal {

inline constexpr std::string_view kSessionStart = "SESSION_START";
inline constexpr std::string_view kCommentAdded = "COMMENT_ADDED";
inline constexpr std::string_view kPromptUpdate = "PROMPT_UPDATE";
inline constexpr std::string_view kInputUpdate = "INPUT_UPDATE";
inline constexpr std::string_view kError = "ERROR";

class SessionLogger {
 public:
  explicit SessionLogger(std::string session_id) : session_id_(std::move(session_id)) {}
  // Intentionally copyable: it is only a name.

  const std::string& session_id() const noexcept { return session_id_; }

  // Emits {"timestamp", "session_id", "type", ...data} at severity info
  // (error for kError). Never throws: a failing sink loses the entry.
  void add_entry(std::string_view entry_type, const boost::json::object& data) const noexcept;

  // Turns the library's records on or off for the whole process (default off).
  static void set_enabled(bool on) noexcept;
  static bool enabled() noexcept;

 private:
  std::string session_id_;
};

}  // namespace promptjournal

#endif  // PROMPTJOURNAL_LOGGER_H_
