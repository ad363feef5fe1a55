#include "workload.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "promptjournal/journal.h"
#include "promptjournal/projector.h"
#include "promptjournal/snapshot.h"

namespace pjbench {

namespace pj = promptjournal;
namespace fs = std::filesystem;

namespace {

// Words a prompt engineer would write; gives JSON with realistic escapes.
constexpr const char* kWords[] = {
    "the",     "prompt",  "should",  "answer", "concisely", "with",   "examples", "of",
    "\"tone\"", "user's",  "context", "and",    "avoid",     "jargon", "—",        "e.g.",
    "steps:",  "1.",      "then",    "JSON",   "output",    "café",   "\n",       "list",
};

std::string mark(std::uint64_t n) { return std::to_string(n); }

}  // namespace

std::string EventSource::text(std::size_t min, std::size_t max) {
  std::size_t want = min + rng_() % (max - min + 1);
  std::string s;
  s.reserve(want + 16);
  while (s.size() < want) {
    if (!s.empty()) s += ' ';
    s += kWords[rng_() % std::size(kWords)];
  }
  return s;
}

pj::EventData EventSource::created() {
  return pj::SessionCreated{"Write a haiku about the sea, in a calm tone, for children.",
                            "2026-11-25T10:00:00.000001", pj::Config()};
}

pj::EventData EventSource::next() {
  ++n_;
  unsigned kind = 0;  // 0 feedback, 1 optimized prompt, 2 human input
  switch (mix_) {
    case Mix::kFeedback: kind = 0; break;
    case Mix::kEdits: kind = 1 + static_cast<unsigned>(n_ % 2); break;
    case Mix::kMixed: {
      unsigned r = rng_() % 100;
      kind = r < 60 ? 0 : r < 85 ? 1 : 2;
      break;
    }
  }
  if (kind == 0) {
    std::string span = text(20, 120);
    pj::Feedback f("fb-" + mark(n_), span, 10, 10 + static_cast<std::int64_t>(span.size()),
                   text(300, 1800), std::string("prompt-") + mark(n_ / 7),
                   "2026-11-25T10:00:00.123456");
    return pj::FeedbackAdded{std::move(f)};
  }
  if (kind == 1) return pj::OptimizedPromptUpdated{text(300, 2000), {"fb-" + mark(n_ - 1)}};
  return pj::HumanInputUpdated{text(300, 2000)};
}

std::string bench_dir() {
  const char* d = std::getenv("PJ_BENCH_DIR");
  std::string dir = d != nullptr && *d != '\0' ? d : "/tmp/pj-bench";
  fs::create_directories(dir);
  return dir;
}

void remove_tree(const std::string& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
}

std::uint64_t file_size(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
}

static const char* mix_name(Mix m) {
  switch (m) {
    case Mix::kFeedback: return "feedback";
    case Mix::kEdits: return "edits";
    case Mix::kMixed: return "mixed";
  }
  return "?";
}

std::string journal_root(Mix mix, std::uint64_t events) {
  std::string root = bench_dir() + "/" + mix_name(mix) + "-" + std::to_string(events);
  std::string done = root + ".complete";
  if (fs::exists(done)) return root;
  remove_tree(root);
  fs::create_directories(root);
  pj::JournalOptions opt;
  opt.durability = pj::Durability::kNone;
  pj::Journal j(root, "s", opt);
  EventSource src(mix);
  j.append({EventSource::created()}, 0);
  std::uint64_t seq = 1;
  std::vector<pj::EventData> batch;
  while (seq < events) {
    batch.clear();
    while (batch.size() < 512 && seq + batch.size() < events) batch.push_back(src.next());
    seq = j.append(batch, seq).head.seq;
  }
  std::ofstream(done) << events << "\n";
  return root;
}

std::string journal_root_with_snapshots(Mix mix, std::uint64_t events, std::uint64_t every) {
  std::string plain = journal_root(mix, events);
  std::string root = bench_dir() + "/" + mix_name(mix) + "-" + std::to_string(events) + "-snap" +
                     std::to_string(every);
  std::string done = root + ".complete";
  if (fs::exists(done)) return root;
  remove_tree(root);
  fs::create_directories(root + "/s");
  ::chmod(root.c_str(), 0700);
  ::chmod((root + "/s").c_str(), 0700);
  // The same bytes (a hard link: the journal may be a gigabyte).
  fs::create_hard_link(plain + "/s/events.jsonl", root + "/s/events.jsonl");
  // The newest snapshot sits half an interval behind the head, as it would on
  // average with snapshot_every = every: the open then reads a tail of every/2.
  std::uint64_t at = events > every / 2 ? events - every / 2 : 1;
  pj::Journal j(root, "s");
  auto r = j.reader();
  pj::SessionState state;
  while (auto e = r->next()) {
    pj::apply(state, *e);
    if (e->seq == at) break;
  }
  pj::write_snapshot(*pj::default_file_system(), root + "/s", state, r->position(), pj::Durability::kNone);
  std::ofstream(done) << events << "\n";
  return root;
}

}  // namespace pjbench
