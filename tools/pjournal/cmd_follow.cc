// pjournal follow: print events as they are appended, until interrupted.
#include <atomic>
#include <csignal>
#include <iostream>
#include <thread>

#include <boost/json.hpp>

#include "numbers.h"
#include "output.h"

namespace pjournal {

boost::json::object event_json(const promptjournal::Event& e);
std::string event_line(const promptjournal::Event& e);

namespace {

std::atomic<bool> g_stop{false};
extern "C" void on_signal(int) { g_stop = true; }

}  // namespace

void register_follow(CLI::App& app, Globals& g, int* exit_code) {
  auto* cmd = app.add_subcommand("follow", "Print a session's events as they are appended, until interrupted");
  struct Args {
    std::string id;
    bool from_start = false;
    int interval_ms = 200;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("ID", a->id, "session id")->required();
  cmd->add_flag("--from-start", a->from_start, "print the existing events first");
  cmd->add_option("--interval", a->interval_ms, "file journal: milliseconds between looks (default 200); PostgreSQL: the longest wait for a notification")
      ->transform(whole_number(10, 60000));
  cmd->callback([&g, a, exit_code] {
    auto m = open_manager(g);
    require_session(*m, a->id);
    auto& store = m->store();
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    promptjournal::Position pos;
    bool print = a->from_start, first = true;
    while (!g_stop) {
      // A fresh reader each time: it stops at the end (or at a line still
      // being written) and the next look resumes from the last whole event.
      auto r = store.read(a->id, pos);
      while (auto e = r->next()) {
        if (print) std::cout << (g.json ? boost::json::serialize(event_json(*e)) + "\n" : event_line(*e));
      }
      pos = r->position();
      // Once, at the head: from here on every appended event is printed.
      // Scripts (and the tests) wait for this line instead of guessing.
      if (first) std::cerr << "pjournal: following " << a->id << " after seq " << pos.seq << " (Ctrl-C stops)\n";
      first = false;
      print = true;
      flush_stdout();  // nobody reads what cannot be written: stop
      // PostgreSQL wakes this on NOTIFY; the file journal is looked at again
      // after the interval. Either way the next read decides.
      store.wait_for_append(a->id, pos.seq, std::chrono::milliseconds(a->interval_ms));
    }
    *exit_code = kExitOk;
  });
}

}  // namespace pjournal
