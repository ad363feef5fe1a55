// pjournal salvage: every intact event of a damaged journal, as a new session.
#include <iostream>
#include <sstream>

#include <boost/json.hpp>

#include "output.h"
#include "promptjournal/history.h"
#include "promptjournal/salvage.h"

namespace pjournal {

namespace json = boost::json;

namespace {

std::string seq_range(const std::pair<std::uint64_t, std::uint64_t>& m) {
  return m.first == m.second ? "seq " + std::to_string(m.first)
                             : "seq " + std::to_string(m.first) + "-" + std::to_string(m.second);
}

json::object salvage_json(const promptjournal::SalvageReport& r) {
  json::array skipped, breaks, missing;
  for (const auto& s : r.skipped) {
    json::object o{{"line", s.line}, {"offset", s.offset}, {"bytes", s.bytes}, {"reason", s.reason}};
    if (s.seq) o.emplace("seq", *s.seq);
    skipped.push_back(std::move(o));
  }
  for (const auto& b : r.breaks) breaks.push_back(json::object{{"seq", b.seq}, {"reason", b.reason}});
  for (const auto& m : r.missing) missing.push_back(json::array{m.first, m.second});
  return {{"source", r.source_id}, {"target", r.target_id}, {"written", r.written}, {"journal", r.journal},
          {"lines", r.lines}, {"readable", r.readable}, {"recovered", r.recovered},
          {"head_hash", r.head.hash}, {"tail_bytes", r.tail_bytes}, {"skipped", std::move(skipped)},
          {"breaks", std::move(breaks)}, {"missing", std::move(missing)}};
}

std::string salvage_text(const promptjournal::SalvageReport& r) {
  std::ostringstream out;
  out << "salvage of '" << r.source_id << "' into '" << r.target_id << "'\n"
      << "  " << r.lines << " complete lines; a reader stops after " << r.readable
      << " events (the unbroken run from line 1)\n"
      << "  " << r.recovered << " events recovered, " << r.skipped.size()
      << (r.skipped.size() == 1 ? " line" : " lines") << " not recovered\n";
  for (const auto& s : r.skipped) {
    out << "  not recovered: line " << s.line << " (byte " << s.offset << ", " << s.bytes << " bytes";
    if (s.seq) out << ", seq " << *s.seq;
    out << "): " << s.reason << "\n";
  }
  for (const auto& b : r.breaks) out << "  break at seq " << b.seq << ": " << b.reason << "\n";
  for (const auto& m : r.missing) out << "  lost: " << seq_range(m) << "\n";
  if (r.tail_bytes > 0)
    out << "  torn tail: " << r.tail_bytes << " bytes after the last complete line (not an event)\n";
  if (r.written)
    out << "wrote " << r.journal << ": " << r.recovered << " events, head " << r.head.hash << "\n"
        << "'" << r.source_id << "' is unchanged; check the new session with: pjournal verify " << r.target_id
        << "\n";
  else
    out << "dry run: nothing written (" << r.journal << " would hold " << r.recovered << " events)\n";
  return out.str();
}

}  // namespace

void register_salvage(CLI::App& app, Globals& g, int* exit_code) {
  auto* cmd = app.add_subcommand(
      "salvage", "Recover every intact event of a damaged journal into a new session (the source is never changed)");
  cmd->footer(
      "A journal damaged in the middle refuses appends, and readers stop at the damage. salvage reads every\n"
      "line, keeps each intact event (one whose own hash verifies), and writes them, in seq order, renumbered\n"
      "and chained anew, as the session --to (default ID-salvaged); each event's meta.salvaged_from names its\n"
      "original seq and hash. Lines not recovered, breaks in the chain and lost seqs are listed.\n"
      "A journal that verifies has nothing to salvage: nothing is written.");
  struct Args {
    std::string id, to;
    bool dry_run = false;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("ID", a->id, "the damaged session")->required();
  cmd->add_option("--to", a->to, "the new session's id (default: ID-salvaged); it must not exist");
  cmd->add_flag("--dry-run", a->dry_run, "report what would be recovered; write nothing");
  cmd->callback([&g, a, exit_code] {
    if (promptjournal::is_postgresql_location(g.root))
      throw UsageError("salvage repairs file journals only; a PostgreSQL store keeps no torn or damaged lines "
                       "(see docs/postgresql.md)");
    auto m = open_manager(g);
    require_session(*m, a->id, /*need_event=*/false);
    auto check = promptjournal::verify_session(m->sessions_dir(), a->id);
    bool journal_sound = true;
    for (const auto& p : check.problems)
      if (p.kind == promptjournal::VerifyProblem::Kind::kCorrupt ||
          p.kind == promptjournal::VerifyProblem::Kind::kDamagedTail)
        journal_sound = false;
    if (journal_sound) {
      if (g.json)
        std::cout << json::serialize(json::object{{"source", a->id}, {"written", false}, {"damaged", false}}) << "\n";
      else
        std::cout << "'" << promptjournal::visible_text(a->id) << "' has no damaged line (" << check.events
                  << " events; see pjournal verify): nothing to salvage\n";
      *exit_code = kExitOk;
      return;
    }
    promptjournal::SalvageOptions o;
    o.target_id = a->to.empty() ? a->id + "-salvaged" : a->to;
    o.dry_run = a->dry_run;
    promptjournal::SalvageReport r;
    try {
      r = promptjournal::salvage_session(m->sessions_dir(), a->id, o);
    } catch (const promptjournal::JournalError& e) {
      if (e.kind() != promptjournal::ErrorKind::kAlreadyExists) throw;
      throw promptjournal::JournalError(e.kind(), e.reason() + " (name another with --to)", e.where());
    }
    if (g.json)
      std::cout << json::serialize(salvage_json(r)) << "\n";
    else
      std::cout << promptjournal::visible_text(salvage_text(r), /*keep_lines=*/true);
    *exit_code = kExitOk;
  });
}

}  // namespace pjournal
