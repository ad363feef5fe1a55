// A third EventStore, in memory, written only against the public seam
// (event_store.h) and the shared chain code: the proof that a backend is one
// file set behind the seam and nothing above it changes. Test-only.
#ifndef PROMPTJOURNAL_TESTS_UNIT_MEMORY_STORE_H_
#define PROMPTJOURNAL_TESTS_UNIT_MEMORY_STORE_H_

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "chain.h"
#include "promptjournal/event_store.h"
#include "time_format.h"

namespace pjtest {

class MemoryEventStore final : public promptjournal::EventStore {
 public:
  using Position = promptjournal::Position;

  std::string describe() const override { return "memory:"; }
  std::string describe(const std::string& id) const override { return "memory:" + id; }
  bool has_stream(const std::string& id) override {
    promptjournal::validate_session_id(id);
    std::lock_guard<std::mutex> l(mu_);
    return lines_.count(id) > 0;
  }
  std::vector<std::string> list_streams() override {
    std::lock_guard<std::mutex> l(mu_);
    std::vector<std::string> out;
    for (const auto& [id, lines] : lines_) out.push_back(id);
    return out;
  }
  std::unique_ptr<promptjournal::EventCursor> read(const std::string& id, const Position& from) override {
    if (!has_stream(id)) throw promptjournal::JournalError::not_found("no session '" + id + "'");
    return std::make_unique<Cursor>(*this, id, from);
  }
  promptjournal::AppendResult append(const std::string& id, const std::vector<promptjournal::EventData>& batch,
                                     std::uint64_t expected_seq, const boost::json::object& meta) override {
    promptjournal::validate_session_id(id);
    promptjournal::detail::check_batch_shape(batch, expected_seq);
    std::lock_guard<std::mutex> l(mu_);
    auto& lines = lines_[id];
    Position head = head_locked(id);
    if (head.seq != expected_seq) {
      if (lines.empty()) lines_.erase(id);
      if (expected_seq == 0)
        throw promptjournal::JournalError(promptjournal::ErrorKind::kAlreadyExists, "session exists");
      throw promptjournal::JournalError::conflict(id, expected_seq, head.seq);
    }
    auto enc = promptjournal::detail::encode_batch(head, id, batch, meta,
                                                   promptjournal::detail::format_utc(std::chrono::system_clock::now()));
    for (std::size_t start = 0; start < enc.lines.size();) {
      auto nl = enc.lines.find('\n', start);
      lines.push_back(enc.lines.substr(start, nl - start));
      start = nl + 1;
    }
    ++appends;
    return {std::move(enc.events), enc.next, std::nullopt};
  }
  Position append_events(const std::string& id, const std::vector<promptjournal::Event>& events) override {
    std::lock_guard<std::mutex> l(mu_);
    Position head = head_locked(id);
    if (head.seq + 1 != events.front().seq)
      throw promptjournal::JournalError::conflict(id, events.front().seq - 1, head.seq);
    std::vector<std::string> out;
    for (const auto& e : events) {
      promptjournal::Event copy = e;
      std::string line = promptjournal::encode_event_line(copy);
      promptjournal::detail::check_follows(e, head, id, {});
      line.pop_back();
      head = promptjournal::detail::position_after(head, e, line.size());
      out.push_back(std::move(line));
    }
    auto& lines = lines_[id];
    lines.insert(lines.end(), out.begin(), out.end());
    return head;
  }
  Position check_history(const std::string& id) override {
    auto c = read(id, {});
    while (c->next()) {
    }
    return c->position();
  }
  void adopt(const std::string&, const promptjournal::EventCursor&) override {}
  promptjournal::SnapshotWritten put_snapshot(const std::string& id, const promptjournal::SessionState& state,
                                              const Position& at) override {
    std::string bytes = promptjournal::encode_snapshot(state, at);
    std::lock_guard<std::mutex> l(mu_);
    snapshots_[id][at.seq] = bytes;
    return {"memory:" + id + "#" + std::to_string(at.seq), bytes.size()};
  }
  std::optional<promptjournal::LoadedSnapshot> newest_snapshot(
      const std::string& id, std::vector<promptjournal::SnapshotProblem>* problems,
      const std::function<bool(const Position&)>& usable) override {
    std::map<std::uint64_t, std::string> snaps;
    {
      std::lock_guard<std::mutex> l(mu_);
      if (auto it = snapshots_.find(id); it != snapshots_.end()) snaps = it->second;
    }
    for (auto it = snaps.rbegin(); it != snaps.rend(); ++it) {
      const std::string where = "memory:" + id + "#" + std::to_string(it->first);
      try {
        auto s = promptjournal::decode_snapshot(it->second, where);
        std::string why;
        std::string line;
        {
          std::lock_guard<std::mutex> l(mu_);
          const auto& lines = lines_[id];
          if (s.position.seq > lines.size()) throw promptjournal::JournalError::corrupt("beyond the end", {where});
          line = lines[s.position.seq - 1];
        }
        auto e = promptjournal::decode_event_line(line, true, &why);
        if (!e || e->hash != s.position.hash) throw promptjournal::JournalError::corrupt("disagrees", {where});
        if (usable && !usable(s.position)) continue;
        ++snapshot_loads;
        return s;
      } catch (const promptjournal::JournalError& e) {
        if (problems) problems->push_back({where, e.what()});
      }
    }
    return std::nullopt;
  }
  void prune_snapshots(const std::string& id, std::uint32_t keep) override {
    std::lock_guard<std::mutex> l(mu_);
    auto& m = snapshots_[id];
    while (m.size() > keep) m.erase(m.begin());
  }
  promptjournal::VerifyReport verify(const std::string& id) override {
    promptjournal::VerifyReport r;
    r.session_id = id;
    try {
      auto c = read(id, {});
      while (c->next()) ++r.events;
      r.head = c->position();
    } catch (const promptjournal::JournalError& e) {
      r.problems.push_back({promptjournal::VerifyProblem::Kind::kCorrupt, e.where(), e.reason()});
    }
    return r;
  }
  bool wait_for_append(const std::string&, std::uint64_t, std::chrono::milliseconds) override { return true; }

  // Test access: the stored lines of a session (without '\n').
  std::vector<std::string> lines(const std::string& id) {
    std::lock_guard<std::mutex> l(mu_);
    return lines_[id];
  }
  void set_line(const std::string& id, std::size_t index, std::string line) {
    std::lock_guard<std::mutex> l(mu_);
    lines_[id][index] = std::move(line);
  }
  int appends = 0;
  int snapshot_loads = 0;

 private:
  class Cursor final : public promptjournal::EventCursor {
   public:
    Cursor(MemoryEventStore& s, std::string id, Position from) : s_(s), id_(std::move(id)), pos_(std::move(from)) {}
    std::optional<promptjournal::Event> next() override {
      std::string line;
      {
        std::lock_guard<std::mutex> l(s_.mu_);
        const auto& lines = s_.lines_[id_];
        if (pos_.seq >= lines.size()) return std::nullopt;
        line = lines[pos_.seq];
      }
      promptjournal::ErrorLocation where{"memory:" + id_, pos_.seq + 1, pos_.offset, pos_.seq + 1};
      std::string why;
      auto e = promptjournal::decode_event_line(line, true, &why);
      if (!e) throw promptjournal::JournalError::corrupt(why, where);
      promptjournal::detail::check_follows(*e, pos_, id_, where);
      pos_ = promptjournal::detail::position_after(pos_, *e, line.size());
      return e;
    }
    const Position& position() const noexcept override { return pos_; }
    bool checks_from_line_one() const noexcept override { return false; }

   private:
    MemoryEventStore& s_;
    std::string id_;
    Position pos_;
  };

  Position head_locked(const std::string& id) {
    Position p;
    for (const auto& line : lines_[id]) {
      std::string why;
      auto e = promptjournal::decode_event_line(line, false, &why);
      p = promptjournal::detail::position_after(p, *e, line.size());
    }
    return p;
  }

  std::mutex mu_;
  std::map<std::string, std::vector<std::string>> lines_;
  std::map<std::string, std::map<std::uint64_t, std::string>> snapshots_;
};

}  // namespace pjtest

#endif  // PROMPTJOURNAL_TESTS_UNIT_MEMORY_STORE_H_
