#include "promptjournal/event.h"

#include <boost/json.hpp>
#include <memory>

#include "journal_format.h"
#include "json_read.h"
#include "json_util.h"
#include "promptjournal/errors.h"
#include "sha256.h"
#include "utf8.h"

namespace promptjournal {

namespace json = boost::json;

namespace {

template <class T>
struct TypeTag;
template <> struct TypeTag<SessionCreated> { static constexpr std::string_view name = "session_created"; };
template <> struct TypeTag<FeedbackAdded> { static constexpr std::string_view name = "feedback_added"; };
template <> struct TypeTag<OptimizedPromptUpdated> { static constexpr std::string_view name = "optimized_prompt_updated"; };
template <> struct TypeTag<HumanInputUpdated> { static constexpr std::string_view name = "human_input_updated"; };
template <> struct TypeTag<ComprehensiveFeedbackSet> { static constexpr std::string_view name = "comprehensive_feedback_set"; };
template <> struct TypeTag<IndividualFeedbacksSet> { static constexpr std::string_view name = "individual_feedbacks_set"; };
template <> struct TypeTag<IndividualFeedbackAdded> { static constexpr std::string_view name = "individual_feedback_added"; };

// A copy of `v` that owns its memory (default storage).
json::value detach(const json::value& v) { return json::value(v, json::storage_ptr()); }

json::object to_json(const SessionCreated& d) {
  json::object o;
  o.emplace("initial_human_input", d.initial_human_input);
  o.emplace("created_at", d.created_at);
  o.emplace("config", d.config.values());
  return o;
}
json::object to_json(const FeedbackAdded& d) { return promptjournal::to_json(d.feedback); }
json::object to_json(const OptimizedPromptUpdated& d) {
  json::object o;
  o.emplace("prompt", d.prompt);
  if (!d.caused_by.empty()) {
    json::array a;
    for (const auto& id : d.caused_by) a.emplace_back(id);
    o.emplace("caused_by", std::move(a));
  }
  return o;
}
json::object to_json(const HumanInputUpdated& d) { return json::object{{"input", d.input}}; }
template <class T>
json::object value_payload(const T& d) {
  json::object o;
  o.emplace("value", d.value);
  return o;
}
json::object to_json(const ComprehensiveFeedbackSet& d) { return value_payload(d); }
json::object to_json(const IndividualFeedbacksSet& d) { return value_payload(d); }
json::object to_json(const IndividualFeedbackAdded& d) { return value_payload(d); }

json::value value_of(const json::object& o, std::string_view where) {
  return detach(detail::field(o, "value", where));
}

}  // namespace

std::string_view type_name(const EventData& data) noexcept {
  return std::visit([](const auto& d) { return TypeTag<std::decay_t<decltype(d)>>::name; }, data);
}

const std::vector<std::string_view>& event_type_names() {
  static const std::vector<std::string_view> names = {
      TypeTag<SessionCreated>::name,           TypeTag<FeedbackAdded>::name,
      TypeTag<OptimizedPromptUpdated>::name,   TypeTag<HumanInputUpdated>::name,
      TypeTag<ComprehensiveFeedbackSet>::name, TypeTag<IndividualFeedbacksSet>::name,
      TypeTag<IndividualFeedbackAdded>::name};
  return names;
}

json::object data_to_json(const EventData& data) {
  return std::visit([](const auto& d) { return to_json(d); }, data);
}

EventData data_from_json(std::string_view type, const json::object& o) {
  const std::string w = "data";
  if (type == TypeTag<SessionCreated>::name) {
    const auto& cfg = detail::field(o, "config", w);
    if (!cfg.is_object()) throw JournalError::invalid_argument("field 'data.config': expected an object");
    return SessionCreated{detail::get_string(o, "initial_human_input", w),
                          detail::get_string(o, "created_at", w),
                          Config(json::object(cfg.get_object(), json::storage_ptr()))};
  }
  if (type == TypeTag<FeedbackAdded>::name) return FeedbackAdded{feedback_from_json(o)};
  if (type == TypeTag<OptimizedPromptUpdated>::name) {
    OptimizedPromptUpdated d{detail::get_string(o, "prompt", w), {}};
    if (auto it = o.find("caused_by"); it != o.end()) {
      if (!it->value().is_array())
        throw JournalError::invalid_argument("field 'data.caused_by': expected an array");
      for (const auto& x : it->value().get_array()) {
        if (!x.is_string())
          throw JournalError::invalid_argument("field 'data.caused_by': expected strings");
        d.caused_by.emplace_back(x.get_string());
      }
    }
    return d;
  }
  if (type == TypeTag<HumanInputUpdated>::name) return HumanInputUpdated{detail::get_string(o, "input", w)};
  if (type == TypeTag<ComprehensiveFeedbackSet>::name) return ComprehensiveFeedbackSet{value_of(o, w)};
  if (type == TypeTag<IndividualFeedbacksSet>::name) return IndividualFeedbacksSet{value_of(o, w)};
  if (type == TypeTag<IndividualFeedbackAdded>::name) return IndividualFeedbackAdded{value_of(o, w)};
  throw JournalError::invalid_argument("unknown event type '" + std::string(type) + "'");
}

namespace {

// The line up to (not including) its ,"hash": field, exactly as the writer
// produces it (docs/FORMAT.md, "Event lines"); `data` is the payload's JSON.
void encode_body(const Event& e, const json::object& data, std::string& line) {
  line += "{\"v\":";
  line += std::to_string(e.version);
  line += ",\"seq\":";
  line += std::to_string(e.seq);
  line += ",\"type\":\"";
  line += e.type();
  line += "\",\"at\":\"";
  line += e.at;
  line += "\",\"session_id\":";
  line += json::serialize(json::string_view(e.session_id));
  if (!e.meta.empty()) {
    line += ",\"meta\":";
    line += json::serialize(e.meta);
  }
  line += ",\"data\":";
  line += json::serialize(data);
  line += ",\"prev\":\"";
  line += e.prev;
  line += '"';
}

}  // namespace

std::string encode_event_line(Event& e) {
  json::object data = data_to_json(e.data);
  detail::require_storable_members(data, "data");
  detail::require_storable_members(e.meta, "meta");
  std::string line;
  line.reserve(256);
  encode_body(e, data, line);
  std::size_t bad = 0;
  if (!detail::is_valid_utf8(line, &bad))
    throw JournalError::invalid_argument("event " + std::string(e.type()) +
                                         " holds text that is not valid UTF-8 (byte " +
                                         std::to_string(bad) + " of its line)");
  e.hash = detail::sha256_hex(line);
  line += detail::kHashLead;
  line += e.hash;
  line += detail::kLineEnd;
  line += '\n';
  if (line.size() > kMaxLineBytes)
    throw JournalError(ErrorKind::kTooLarge, "event " + std::string(e.type()) + " is " +
                                                 std::to_string(line.size()) +
                                                 " bytes; the limit is " +
                                                 std::to_string(kMaxLineBytes));
  return line;
}

namespace {

constexpr std::size_t kDecodeArenaBytes = 16 * 1024;

bool fail(std::string* error, std::string msg) {
  if (error) *error = std::move(msg);
  return false;
}

int digits(std::string_view s, std::size_t from, std::size_t n) {
  int v = 0;
  for (std::size_t i = from; i < from + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

// "YYYY-MM-DDTHH:MM:SS.ffffffZ", a real time in years 0001-9999.
bool is_journal_time(std::string_view t) {
  if (t.size() != detail::kTimeLen || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' ||
      t[16] != ':' || t[19] != '.' || t[26] != 'Z' || digits(t, 20, 6) < 0)
    return false;
  const int y = digits(t, 0, 4), mo = digits(t, 5, 2), d = digits(t, 8, 2);
  const int h = digits(t, 11, 2), mi = digits(t, 14, 2), sec = digits(t, 17, 2);
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59)
    return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[mo - 1] + (mo == 2 && leap ? 1 : 0);
}

// Checks the envelope of a parsed line and fills `e` except data.
bool read_envelope(const json::object& o, Event& e, std::string* error) {
  std::size_t k = 0;
  for (const auto& kv : o) {
    while (k < std::size(detail::kKeys) && detail::kKeys[k] != kv.key() && detail::kKeys[k] == "meta")
      ++k;
    if (k == std::size(detail::kKeys) || detail::kKeys[k] != kv.key())
      return fail(error, "unexpected key '" + std::string(kv.key()) + "' (keys must be v, seq, type, at, session_id, [meta], data, prev, hash in that order)");
    ++k;
  }
  if (k != std::size(detail::kKeys)) return fail(error, "missing keys (expected v, seq, type, at, session_id, [meta], data, prev, hash)");
  const auto& v = o.at("v");
  if (!v.is_int64() || v.get_int64() < 1) return fail(error, "'v' is not a positive integer");
  if (v.get_int64() > kFormatVersion)
    return fail(error, "format version " + std::to_string(v.get_int64()) +
                           " is newer than this build reads (" + std::to_string(kFormatVersion) + ")");
  e.version = static_cast<int>(v.get_int64());
  const auto& seq = o.at("seq");
  if (seq.is_int64() && seq.get_int64() >= 1)
    e.seq = static_cast<std::uint64_t>(seq.get_int64());
  else if (seq.is_uint64())
    e.seq = seq.get_uint64();
  else
    return fail(error, "'seq' is not a positive integer");
  const auto& at = o.at("at");
  if (!at.is_string() || !is_journal_time(at.get_string()))
    return fail(error, "'at' is not a UTC time YYYY-MM-DDTHH:MM:SS.ffffffZ");
  e.at = std::string(at.get_string());
  const auto& id = o.at("session_id");
  if (!id.is_string()) return fail(error, "'session_id' is not a string");
  e.session_id = std::string(id.get_string());
  if (auto it = o.find("meta"); it != o.end()) {
    if (!it->value().is_object()) return fail(error, "'meta' is not an object");
    if (it->value().get_object().empty()) return fail(error, "'meta' is empty (a writer leaves it out then)");
    e.meta = json::object(it->value().get_object(), json::storage_ptr());
  }
  const auto& prev = o.at("prev");
  if (!prev.is_string() || !detail::is_hex_hash(prev.get_string()))
    return fail(error, "'prev' is not 64 lowercase hex digits");
  e.prev = std::string(prev.get_string());
  if (!o.at("type").is_string()) return fail(error, "'type' is not a string");
  if (!o.at("data").is_object()) return fail(error, "'data' is not an object");
  return true;
}

}  // namespace

std::optional<Event> decode_event_line(std::string_view line, bool verify_hash, std::string* error) {
  const std::size_t n = line.size();
  if (n < detail::kHashSuffixLen + 2 || line.substr(n - detail::kLineEnd.size()) != detail::kLineEnd ||
      line.substr(n - detail::kHashSuffixLen, detail::kHashLead.size()) != detail::kHashLead) {
    fail(error, "line does not end with ,\"hash\":\"<64 hex>\"}");
    return std::nullopt;
  }
  std::string_view hash = line.substr(n - detail::kHashHexLen - detail::kLineEnd.size(), detail::kHashHexLen);
  std::string_view body = line.substr(0, n - detail::kHashSuffixLen);
  if (!detail::is_hex_hash(hash)) {
    fail(error, "'hash' is not 64 lowercase hex digits");
    return std::nullopt;
  }
  // A per-line arena: replay parses millions of lines, and node-by-node heap
  // allocation would dominate. Everything kept from `parsed` is copied out
  // before the arena goes away.
  thread_local std::unique_ptr<unsigned char[]> arena(new unsigned char[kDecodeArenaBytes]);
  json::monotonic_resource mr(arena.get(), kDecodeArenaBytes);
  boost::system::error_code ec;
  detail::JsonReadOptions depth;
  depth.max_depth = detail::kMaxValueDepth + 3;  // the line, data, config
  json::value parsed = detail::parse_json(line, ec, &mr, nullptr, depth);
  if (ec) {
    fail(error, "not valid JSON: " + ec.message());
    return std::nullopt;
  }
  if (!parsed.is_object()) {
    fail(error, "not a JSON object");
    return std::nullopt;
  }
  const json::object& o = parsed.get_object();
  Event e;
  if (!read_envelope(o, e, error)) return std::nullopt;
  const auto& hv = o.at("hash");
  if (!hv.is_string() || hv.get_string() != hash) {
    fail(error, "'hash' is not the last field of the line");
    return std::nullopt;
  }
  e.hash = std::string(hash);
  if (verify_hash) {
    char computed[64];
    detail::sha256_hex(body, computed);
    if (std::string_view(computed, 64) != hash) {
      fail(error, "hash mismatch: the line's content was changed after it was written (computed " +
                      std::string(computed, 64) + ")");
      return std::nullopt;
    }
  }
  json::object canonical_data;
  try {
    e.data = data_from_json(o.at("type").get_string(), o.at("data").get_object());
    canonical_data = data_to_json(e.data);
    detail::require_storable_members(canonical_data, "data");
    detail::require_storable_members(e.meta, "meta");
  } catch (const JournalError& err) {
    fail(error, err.reason());
    return std::nullopt;
  }
  // Only the writer produces lines, and it produces exactly one encoding of
  // each event: anything else (whitespace, duplicate or unknown keys, an empty
  // meta, a number or string escape written another way) was not written by it.
  // Reused per thread, but not kept at the size of a rare huge line.
  thread_local std::string expected;
  expected.clear();
  encode_body(e, canonical_data, expected);
  const bool same = expected == body;
  if (expected.capacity() > (std::size_t{1} << 20) && same) std::string().swap(expected);
  if (!same) {
    std::size_t at = 0;
    while (at < expected.size() && at < body.size() && expected[at] == body[at]) ++at;
    fail(error, "not the canonical encoding of its event (docs/FORMAT.md, \"Event lines\"): from byte " +
                    std::to_string(at) + " of the line it differs from what a writer writes (whitespace, a "
                    "duplicate, unknown or reordered key, an empty meta, or a value written another way)");
    return std::nullopt;
  }
  return e;
}

}  // namespace promptjournal
