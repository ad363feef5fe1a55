// Concurrency: processes and threads appending to one session.
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <set>
#include <thread>

#include "promptjournal/session_manager.h"
#include "reliability_util.h"
#include "test_util.h"

using namespace promptjournal;

BOOST_AUTO_TEST_SUITE(concurrency)

BOOST_AUTO_TEST_CASE(processes_and_threads_adding_feedback_lose_and_duplicate_nothing) {
  pjtest::TempDir root;
  ManagerOptions mo;
  mo.journal.durability = Durability::kNone;
  mo.feedback_retries = 1000;
  SessionManager(root.path(), mo).create_session("s", "in", Config());
  const int procs = 4, threads = 3, each = pjtest::env_count("PJ_CONC_EACH", 40);
  std::vector<pid_t> kids;
  for (int p = 0; p < procs; ++p) {
    pid_t pid = ::fork();
    BOOST_REQUIRE(pid >= 0);  // never kill(-1, ...) or wait for any child
    if (pid == 0) {
      std::atomic<int> failures{0};
      {
        SessionManager m(root.path(), mo);  // one manager per process, shared by its threads
        std::vector<std::thread> ts;
        for (int t = 0; t < threads; ++t)
          ts.emplace_back([&, t] {
            try {
              // Each thread its own session object: objects and processes share the journal.
              SessionManager own(root.path(), mo);
              auto s = own.get_session("s");
              for (int i = 0; i < each; ++i)
                s->add_feedback(Feedback("t", 0, 1, "p" + std::to_string(p) + "t" + std::to_string(t) + "i" + std::to_string(i)));
              auto shared = m.get_session("s");
              shared->add_feedback(Feedback("t", 0, 1, "shared p" + std::to_string(p) + "t" + std::to_string(t)));
            } catch (...) {
              ++failures;
            }
          });
        for (auto& t : ts) t.join();
      }
      ::_exit(failures == 0 ? 0 : 1);
    }
    kids.push_back(pid);
  }
  for (pid_t k : kids) {
    int status = 0;
    ::waitpid(k, &status, 0);
    BOOST_TEST((WIFEXITED(status) && WEXITSTATUS(status) == 0));
  }
  auto events = pjtest::read_events(root.path(), "s");
  std::set<std::string> comments;
  for (const auto& e : events)
    if (auto* f = std::get_if<FeedbackAdded>(&e.data)) BOOST_TEST(comments.insert(f->feedback.feedback).second);
  BOOST_TEST(comments.size() == static_cast<std::size_t>(procs * threads * (each + 1)));
  BOOST_TEST(verify_session(root.path(), "s").ok());
}

BOOST_AUTO_TEST_CASE(threads_reading_a_shared_session_get_consistent_copies) {
  // get_session hands every thread the same object. Writers change it with
  // atomic batches (a prompt and the feedback on it, which quotes it); readers
  // take state() and to_dict() copies while they write: every copy must be
  // of one moment (the last feedback quotes the prompt of the same copy).
  // Under ThreadSanitizer (scripts/test-all.sh) this also proves the reads
  // take the object's lock.
  pjtest::TempDir root;
  ManagerOptions mo;
  mo.journal.durability = Durability::kNone;
  SessionManager m(root.path(), mo);
  m.create_session("s", "in", Config());
  const int writers = 2, readers = 2, each = pjtest::env_count("PJ_CONC_EACH", 40);
  std::atomic<int> writing{writers}, failures{0}, reads{0};
  std::vector<std::thread> ts;
  for (int w = 0; w < writers; ++w)
    ts.emplace_back([&, w] {
      try {
        auto s = m.get_session("s");
        for (int i = 0; i < each; ++i) {
          std::string p = "prompt w" + std::to_string(w) + " i" + std::to_string(i);
          s->apply_changes({OptimizedPromptUpdated{p, {}}, FeedbackAdded{Feedback(p, 0, 6, "about " + p)}});
        }
      } catch (...) {
        ++failures;
      }
      --writing;
    });
  for (int r = 0; r < readers; ++r)
    ts.emplace_back([&] {
      auto s = m.get_session("s");
      std::size_t last = 0;
      do {
        SessionState st = s->state();
        const auto& fb = st.latest_human_feedback;
        bool ok = fb.size() >= last && (fb.empty() ? !st.latest_optimized_prompt
                                                   : st.latest_optimized_prompt == fb.back().text);
        auto d = s->to_dict();
        const auto& dfb = d.at("latest_human_feedback").as_array();
        ok = ok && (dfb.empty() ? d.at("latest_optimized_prompt").is_null()
                                : d.at("latest_optimized_prompt") == dfb.back().at("text"));
        ok = ok && s->version() >= 1 + 2 * fb.size();
        if (!ok) ++failures;
        last = fb.size();
        ++reads;
      } while (writing > 0);
    });
  for (auto& t : ts) t.join();
  BOOST_TEST(failures == 0);
  BOOST_TEST(reads > 0);
  auto s = SessionManager(root.path(), mo).get_session("s");
  BOOST_TEST(s->version() == 1u + 2u * writers * each);
  BOOST_TEST(s->latest_human_feedback().size() == static_cast<std::size_t>(writers * each));
}

BOOST_AUTO_TEST_CASE(competing_prompt_updates_have_exactly_one_winner_per_seq) {
  pjtest::TempDir root;
  JournalOptions opt;
  opt.durability = Durability::kNone;
  Journal(root.path(), "s", opt).append({pjtest::created()}, 0);
  const int procs = 4, rounds = pjtest::env_count("PJ_CONC_ROUNDS", 60);
  std::vector<pid_t> kids;
  std::vector<int> fds;
  for (int p = 0; p < procs; ++p) {
    auto child = pjtest::spawn_with_pipe([&](int out) {
      Journal j(root.path(), "s", opt);
      for (std::uint64_t seq = 1; seq <= static_cast<std::uint64_t>(rounds); ++seq) {
        char outcome = 'L';
        std::uint64_t size_before = 0;
        try {
          j.append({promptjournal::OptimizedPromptUpdated{"p" + std::to_string(p) + " at " + std::to_string(seq), {}}}, seq);
          outcome = 'W';
        } catch (const JournalError& e) {
          if (e.kind() != ErrorKind::kConflict) ::_exit(2);
          (void)size_before;
        }
        if (::write(out, &outcome, 1) != 1) ::_exit(3);
        // Everyone moves on to the next seq once it exists.
        while (j.head().seq <= seq) {
          try {
            j.append({pjtest::input("never")}, 0);
          } catch (const JournalError&) {
          }
        }
      }
    });
    kids.push_back(child.pid);
    fds.push_back(child.fd);
  }
  int wins = 0, losses = 0;
  for (std::size_t i = 0; i < kids.size(); ++i) {
    char c;
    while (::read(fds[i], &c, 1) == 1) (c == 'W' ? wins : losses)++;
    int status = 0;
    ::waitpid(kids[i], &status, 0);
    BOOST_TEST((WIFEXITED(status) && WEXITSTATUS(status) == 0));
  }
  auto events = pjtest::read_events(root.path(), "s");
  BOOST_TEST(wins == rounds);                     // exactly one winner per seq
  BOOST_TEST(losses == rounds * (procs - 1));     // every loser got the conflict
  BOOST_TEST(events.size() == static_cast<std::size_t>(rounds + 1));  // and wrote nothing
}

BOOST_AUTO_TEST_SUITE_END()
