#include "promptjournal/history.h"

#include <boost/json/serialize.hpp>

#include <cstdio>

#include "utf8.h"

namespace promptjournal {

std::string_view to_string(PromptField f) noexcept {
  return f == PromptField::kHumanInput ? "human_input" : "optimized_prompt";
}

std::optional<PromptField> prompt_field_from_string(std::string_view s) noexcept {
  if (s == "human_input") return PromptField::kHumanInput;
  if (s == "optimized_prompt") return PromptField::kOptimizedPrompt;
  return std::nullopt;
}

std::string one_line(std::string_view s, std::size_t max) {
  std::string out;
  std::size_t i = 0, n = 0;
  while (i < s.size() && n < max) {
    std::size_t start = i;
    if (!detail::utf8_next(s, i)) i = start + 1;
    std::string_view cp = s.substr(start, i - start);
    out += (cp == "\n" || cp == "\r" || cp == "\t") ? std::string_view(" ") : cp;
    ++n;
  }
  if (i < s.size()) out += "...";
  return out;
}

namespace {

bool hides_or_reorders(std::uint32_t c) noexcept {
  return (c >= 0x80 && c <= 0x9F) || c == 0x061C || c == 0x200B || c == 0x200E || c == 0x200F || c == 0x2028 ||
         c == 0x2029 || (c >= 0x202A && c <= 0x202E) || (c >= 0x2060 && c <= 0x2064) ||
         (c >= 0x2066 && c <= 0x206F) || c == 0xFEFF || (c >= 0xFFF9 && c <= 0xFFFB) ||
         (c >= 0xE0000 && c <= 0xE007F);
}

}  // namespace

std::string visible_text(std::string_view s, bool keep_lines) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t start = i;
    std::uint32_t c = 0;
    if (!detail::utf8_next(s, i, &c)) {
      const auto b = static_cast<unsigned char>(s[i++]);
      out += {'<', kHex[b >> 4], kHex[b & 15], '>'};
    } else if (c < 0x20 || c == 0x7F) {
      if (keep_lines && (c == '\n' || c == '\t'))
        out += static_cast<char>(c);
      else
        out += {'^', static_cast<char>(c == 0x7F ? '?' : c + 0x40)};
    } else if (hides_or_reorders(c)) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "<U+%04X>", static_cast<unsigned>(c));
      out += buf;
    } else {
      out.append(s, start, i - start);
    }
  }
  return out;
}

namespace {

std::string quoted(std::string_view s, std::size_t max) { return "\"" + one_line(s, max) + "\""; }

struct Builder {
  SessionHistory h;
  SessionState state;

  PromptVersion& add(PromptField f, const Event& e, std::string text, std::vector<std::string> caused_by = {}) {
    auto& list = f == PromptField::kHumanInput ? h.human_input : h.optimized_prompt;
    PromptVersion v{f, static_cast<int>(list.size()) + 1, e.seq, e.at, std::move(text), std::move(caused_by), {}, {}};
    list.push_back(std::move(v));
    return list.back();
  }

  void on(const Event& e) {
    apply(state, e);
    h.timeline.push_back({e.seq, e.at, std::string(e.type()), summarize(e)});
    if (const auto* c = std::get_if<SessionCreated>(&e.data)) {
      add(PromptField::kHumanInput, e, c->initial_human_input);
    } else if (const auto* u = std::get_if<HumanInputUpdated>(&e.data)) {
      add(PromptField::kHumanInput, e, u->input);
    } else if (const auto* p = std::get_if<OptimizedPromptUpdated>(&e.data)) {
      add(PromptField::kOptimizedPrompt, e, p->prompt, p->caused_by);
    } else if (const auto* f = std::get_if<FeedbackAdded>(&e.data)) {
      auto& target = !h.optimized_prompt.empty() ? h.optimized_prompt.back() : h.human_input.back();
      target.feedback.push_back(f->feedback);
      target.feedback_seqs.push_back(e.seq);
    }
  }
};

// Reads events in order; with `tolerant`, stops quietly at damage (the audit
// reports it separately) instead of throwing.
Builder build(SessionManager& manager, const std::string& id, bool tolerant) {
  if (!manager.store().has_stream(id))
    throw JournalError::not_found("no session '" + id + "' in " + manager.sessions_dir());
  Builder b;
  b.h.session_id = id;
  auto reader = manager.store().read(id);
  try {
    while (auto e = reader->next()) b.on(*e);
  } catch (const JournalError& e) {
    if (!tolerant || e.kind() != ErrorKind::kCorrupt) throw;
  }
  return b;
}

}  // namespace

std::string summarize(const Event& e, std::size_t max) {
  struct V {
    std::size_t max;
    std::string operator()(const SessionCreated& d) const {
      return "session created, input " + quoted(d.initial_human_input, max);
    }
    std::string operator()(const FeedbackAdded& d) const {
      return "feedback on " + quoted(d.feedback.text, max / 3) + " [" + std::to_string(d.feedback.start_offset) +
             ".." + std::to_string(d.feedback.end_offset) + "]: " + quoted(d.feedback.feedback, max / 2);
    }
    std::string operator()(const OptimizedPromptUpdated& d) const {
      return "optimized prompt " + quoted(d.prompt, max);
    }
    std::string operator()(const HumanInputUpdated& d) const { return "human input " + quoted(d.input, max); }
    std::string operator()(const ComprehensiveFeedbackSet& d) const {
      return "comprehensive feedback " + (d.value.is_string() ? quoted(d.value.get_string(), max)
                                                              : one_line(boost::json::serialize(d.value), max));
    }
    std::string operator()(const IndividualFeedbacksSet& d) const {
      return "individual feedbacks set" +
             (d.value.is_array() ? " (" + std::to_string(d.value.get_array().size()) + " items)" : std::string());
    }
    std::string operator()(const IndividualFeedbackAdded& d) const {
      return "individual feedback added " + one_line(boost::json::serialize(d.value), max);
    }
  };
  return std::visit(V{max}, e.data);
}

SessionHistory read_history(SessionManager& manager, const std::string& session_id) {
  Builder b = build(manager, session_id, false);
  // A journal with no complete event is a creation cut short: no session.
  if (!b.state.created) throw JournalError::not_found("session '" + session_id + "' has no events");
  return std::move(b.h);
}

AuditReport audit_session(SessionManager& manager, const std::string& session_id) {
  AuditReport r;
  Builder b = build(manager, session_id, true);
  r.integrity = manager.store().verify(session_id);
  r.head = std::move(b.state);
  r.history = std::move(b.h);
  r.info.session_id = session_id;
  r.info.events = r.integrity.head.seq;
  r.info.last_change = r.integrity.head.at;
  r.info.head_hash = r.integrity.head.hash;
  r.info.latest_optimized_prompt = r.head.latest_optimized_prompt;
  if (!r.history.timeline.empty()) r.info.created_at = r.history.timeline.front().at;
  auto diffs = [](const std::vector<PromptVersion>& vs) {
    std::vector<std::vector<DiffSegment>> out;
    for (std::size_t i = 1; i < vs.size(); ++i) out.push_back(diff_words(vs[i - 1].text, vs[i].text));
    return out;
  };
  r.human_input_diffs = diffs(r.history.human_input);
  r.optimized_prompt_diffs = diffs(r.history.optimized_prompt);
  return r;
}

}  // namespace promptjournal
