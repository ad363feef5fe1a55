// pjournal copy: copy sessions between stores (a folder and PostgreSQL, or
// two of either), byte-exact and resumable (see promptjournal/copy.h).
#include <iostream>
#include <unistd.h>

#include <boost/json.hpp>

#include "output.h"
#include "promptjournal/copy.h"
#include "promptjournal/errors.h"
#include "promptjournal/history.h"

namespace pjournal {

void register_copy(CLI::App& app, Globals& g, int* exit_code) {
  auto* cmd = app.add_subcommand(
      "copy", "Copy sessions to another store, byte-exact (same head hashes); a copy cut short resumes");
  struct Args {
    std::string from, to;
    std::vector<std::string> ids;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("ID", a->ids, "the sessions to copy (default: every session of the source)");
  cmd->add_option("--from", a->from, "the source: a folder, file://PATH or postgresql://URL (default: --root)");
  cmd->add_option("--to", a->to, "the destination: a folder, file://PATH or postgresql://URL")->required();
  cmd->callback([&g, a, exit_code] {
    reject_password_in_url("--to", a->to);
    reject_password_in_url("--from", a->from);
    Globals src_g = g;
    if (!a->from.empty()) src_g.root = a->from;
    auto src = open_manager(src_g);
    Globals dst_g = g;
    dst_g.root = a->to;
    auto dst = open_manager(dst_g, /*must_exist=*/false);
    std::vector<std::string> ids = a->ids.empty() ? src->list_session_ids() : a->ids;
    for (const auto& id : a->ids) require_session(*src, id, /*need_event=*/false);
    const bool progress = ::isatty(STDERR_FILENO) == 1;
    std::string out;
    boost::json::array all;
    int failed = 0;
    for (const auto& id : ids) {
      promptjournal::CopyOptions opt;
      if (progress)
        opt.progress = [&id](std::uint64_t seq) {
          std::cerr << "\rcopying " << promptjournal::visible_text(id) << ": seq " << seq << std::flush;
        };
      try {
        auto r = promptjournal::copy_session(src->store(), dst->store(), id, opt);
        if (progress && r.copied > 0) std::cerr << "\n";
        all.push_back(boost::json::object{{"session_id", id},
                                          {"copied", r.copied},
                                          {"already_there", r.already_there},
                                          {"seq", r.head.seq},
                                          {"head", r.head.hash}});
        out += id + "  " + std::to_string(r.copied) + " events copied, " + std::to_string(r.already_there) +
               " already there  head " + r.head.hash + "\n";
      } catch (const promptjournal::JournalError& e) {
        if (progress) std::cerr << "\n";
        if (!a->ids.empty() && ids.size() == 1) throw;
        std::cerr << "pjournal: error: session '" << promptjournal::visible_text(id)
                  << "' not copied: " << promptjournal::visible_text(e.what()) << "\n";
        ++failed;
      }
    }
    if (g.json)
      std::cout << boost::json::serialize(all) << "\n";
    else
      std::cout << promptjournal::visible_text(out, /*keep_lines=*/true) << ids.size() - failed << " of "
                << ids.size() << " sessions copied to " << promptjournal::visible_text(dst->store().describe())
                << "\n";
    *exit_code = failed > 0 ? kExitFailure : kExitOk;
  });
}

}  // namespace pjournal
