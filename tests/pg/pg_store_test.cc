// The EventStore contract of the PostgreSQL backend, against a real server.
#include <thread>

#include "pg_fixture.h"
#include "promptjournal/journal.h"
#include "promptjournal/projector.h"
#include "test_util.h"

using namespace promptjournal;
using namespace pgtest;
using detail::pg::Param;

BOOST_AUTO_TEST_SUITE(pg_store)

BOOST_AUTO_TEST_CASE(append_and_read_keep_the_exact_line_bytes_and_the_file_backends_head_hash) {
  auto store = open_store();
  const std::string id = unique_id("exact");
  // NUL (escaped \u0000 in the line), U+FFFD (what a lone surrogate became),
  // a noncharacter, an astral char, quotes: text keeps them, jsonb would not.
  const std::string odd = std::string("nul\0here", 8) + " \xEF\xBF\xBD \xEF\xB7\x90 \xF0\x9F\x98\x80 \"q\" \\";
  std::vector<std::vector<EventData>> batches = {created(), edit(odd), {OptimizedPromptUpdated{"p1", {}},
                                                                        HumanInputUpdated{"second"}}};
  pjtest::TempDir dir;
  JournalOptions jo;
  jo.clock = stepping_clock();
  jo.durability = Durability::kNone;
  Journal file(dir.path(), id, jo);
  ManagerOptions mo = options();  // a clock that gives the same times
  auto same_clock = open_store("postgresql://", mo);
  std::uint64_t seq = 0;
  AppendResult last;
  for (const auto& b : batches) {
    last = same_clock->append(id, b, seq, {});
    auto f = file.append(b, seq);
    BOOST_TEST(f.head.hash == last.head.hash);
    BOOST_TEST(f.head.offset == last.head.offset);
    seq = last.head.seq;
  }
  BOOST_TEST(last.head.seq == 4u);
  // Byte for byte the file's lines.
  auto lines = pjtest::read_lines(file.path());
  Sql sql;
  auto r = sql.exec("SELECT line FROM promptjournal.events WHERE session_id = $1 ORDER BY seq", {Param(id)});
  BOOST_TEST_REQUIRE(r.rows() == 4);
  for (int i = 0; i < 4; ++i) BOOST_TEST(std::string(r.text(i, 0)) == lines[static_cast<std::size_t>(i)]);
  BOOST_TEST(lines[1].find("\\u0000") != std::string::npos);
  // And read back through another store object, every hash recomputed.
  auto events = read_all(*store, id);
  BOOST_TEST_REQUIRE(events.size() == 4u);
  BOOST_TEST(std::get<HumanInputUpdated>(events[1].data).input == odd);
  BOOST_TEST(events.back().hash == last.head.hash);
  BOOST_TEST(store->check_history(id) == last.head);
}

BOOST_AUTO_TEST_CASE(two_stores_at_the_same_expected_seq_one_wins_and_the_loser_writes_nothing) {
  auto a = open_store();
  auto b = open_store();
  const std::string id = unique_id("race");
  a->append(id, created(), 0);
  b->check_history(id);
  // Sequential: b's head is stale.
  a->append(id, edit("a"), 1);
  try {
    b->append(id, edit("b"), 1);
    BOOST_FAIL("the stale append succeeded");
  } catch (const JournalError& e) {
    BOOST_TEST(e.kind() == ErrorKind::kConflict);
    BOOST_TEST(e.expected_seq() == 1u);
    BOOST_TEST(e.actual_seq() == 2u);
  }
  // Racing: two threads, each with its own store and connection, at the
  // same expected seq, many rounds (some reach the unique key).
  Sql sql;
  std::uint64_t head = 2;
  for (int round = 0; round < 40; ++round) {
    std::atomic<int> wins{0}, conflicts{0}, bad{0};
    auto run = [&](EventStore& s, const char* who) {
      try {
        s.append(id, edit(who), head);
        ++wins;
      } catch (const JournalError& e) {
        if (e.kind() == ErrorKind::kConflict && e.expected_seq() == head && e.actual_seq() == head + 1)
          ++conflicts;
        else
          ++bad;
      }
    };
    std::thread t1([&] { run(*a, "a"); });
    std::thread t2([&] { run(*b, "b"); });
    t1.join();
    t2.join();
    BOOST_TEST_REQUIRE(wins == 1);
    BOOST_TEST_REQUIRE(conflicts == 1);
    BOOST_TEST_REQUIRE(bad == 0);
    ++head;
    BOOST_TEST_REQUIRE(sql.count(id) == static_cast<std::int64_t>(head));
  }
  BOOST_TEST(read_all(*a, id).size() == head);
}

BOOST_AUTO_TEST_CASE(create_on_an_existing_session_and_append_to_a_missing_one_are_refused) {
  auto s = open_store();
  const std::string id = unique_id("exists");
  s->append(id, created(), 0);
  try {
    s->append(id, created(), 0);
    BOOST_FAIL("a second creation succeeded");
  } catch (const JournalError& e) {
    BOOST_TEST(e.kind() == ErrorKind::kAlreadyExists);
  }
  try {
    s->append(unique_id("missing"), edit("x"), 3);
    BOOST_FAIL("an append to no session succeeded");
  } catch (const JournalError& e) {
    BOOST_TEST(e.kind() == ErrorKind::kNotFound);
  }
  BOOST_CHECK_THROW(s->append(id, {}, 1), JournalError);
  Sql sql;
  BOOST_TEST(sql.count(id) == 1);
  BOOST_TEST(s->has_stream(id));
  BOOST_TEST(!s->has_stream(unique_id("none")));
  auto ids = s->list_streams();
  BOOST_TEST((std::find(ids.begin(), ids.end(), id) != ids.end()));
  BOOST_TEST(std::is_sorted(ids.begin(), ids.end()));
}

BOOST_AUTO_TEST_CASE(a_cursor_from_a_position_returns_the_events_after_it) {
  auto s = open_store();
  const std::string id = unique_id("cursor");
  s->append(id, created(), 0);
  std::vector<EventData> many;
  for (int i = 0; i < 1200; ++i) many.push_back(HumanInputUpdated{"e" + std::to_string(i)});  // > 2 pages
  auto r = s->append(id, many, 1);
  const Position at10 = r.events[8].seq == 10 ? Position{10, r.events[8].hash, 0, r.events[8].at} : Position{};
  // The offset: the history's size up to seq 10.
  auto all = s->read(id);
  Position p10;
  for (int i = 0; i < 10; ++i) all->next();
  p10 = all->position();
  BOOST_TEST(p10.seq == 10u);
  BOOST_TEST(p10.hash == at10.hash);
  auto c = s->read(id, p10);
  std::uint64_t n = 0, last = 10;
  while (auto e = c->next()) {
    BOOST_TEST_REQUIRE(e->seq == last + 1);
    last = e->seq;
    ++n;
  }
  BOOST_TEST(n == 1191u);
  BOOST_TEST(c->position() == r.head);
  BOOST_TEST(!c->checks_from_line_one());
  // An append after the end is seen by the same cursor.
  s->append(id, edit("later"), r.head.seq);
  auto e = c->next();
  BOOST_TEST_REQUIRE(e.has_value());
  BOOST_TEST(e->seq == r.head.seq + 1);
}

BOOST_AUTO_TEST_CASE(a_changed_line_in_the_events_table_is_corruption_with_its_seq) {
  auto s = open_store();
  const std::string id = unique_id("damage");
  s->append(id, created(), 0);
  s->append(id, edit("original text"), 1);
  s->append(id, edit("after"), 2);
  Sql sql;
  sql.exec("UPDATE promptjournal.events SET line = replace(line, 'original', 'changed!') "
           "WHERE session_id = $1 AND seq = 2",
           {Param(id)});
  auto fresh = open_store();
  try {
    read_all(*fresh, id);
    BOOST_FAIL("the changed line was read");
  } catch (const JournalError& e) {
    BOOST_TEST(e.kind() == ErrorKind::kCorrupt);
    BOOST_TEST_REQUIRE(e.where().seq.has_value());
    BOOST_TEST(*e.where().seq == 2u);
    BOOST_TEST(e.where().path.find("#" + id) != std::string::npos);
  }
  auto report = fresh->verify(id);
  BOOST_TEST(!report.ok());
  BOOST_TEST_REQUIRE(!report.problems.empty());
  BOOST_TEST((report.problems[0].kind == VerifyProblem::Kind::kCorrupt));
  BOOST_TEST(report.events == 1u);
  // A store that has not checked this history refuses to extend it.
  try {
    fresh->append(id, edit("more"), 3);
    BOOST_FAIL("appended to a damaged history");
  } catch (const JournalError& e) {
    BOOST_TEST(e.kind() == ErrorKind::kCorrupt);
  }
  BOOST_TEST(sql.count(id) == 3);
}

BOOST_AUTO_TEST_CASE(snapshots_are_used_when_sound_and_reported_and_ignored_otherwise) {
  auto s = open_store();
  const std::string id = unique_id("snap");
  s->append(id, created(), 0);
  auto r2 = s->append(id, edit("two"), 1);
  auto r3 = s->append(id, edit("three"), 2);
  std::vector<Event> events = read_all(*s, id);
  SessionState at2 = replay({events[0], events[1]});
  SessionState at3 = replay(events);
  s->check_history(id);
  auto w = s->put_snapshot(id, at2, r2.head);
  BOOST_TEST(w.bytes == encode_snapshot(at2, r2.head).size());
  s->put_snapshot(id, at3, r3.head);
  std::vector<SnapshotProblem> problems;
  auto got = s->newest_snapshot(id, &problems);
  BOOST_TEST_REQUIRE(got.has_value());
  BOOST_TEST(got->position == r3.head);
  BOOST_TEST(problems.empty());
  BOOST_TEST(s->verify(id).ok());
  BOOST_TEST(s->verify(id).snapshots_checked == 2u);
  // Changed bytes in the newest: reported, and the older one is used.
  Sql sql;
  sql.exec("UPDATE promptjournal.snapshots SET doc = replace(doc, 'three', 'THREE') WHERE session_id = $1 AND seq = 3",
           {Param(id)});
  got = s->newest_snapshot(id, &problems);
  BOOST_TEST_REQUIRE(got.has_value());
  BOOST_TEST(got->position.seq == 2u);
  BOOST_TEST_REQUIRE(problems.size() == 1u);
  BOOST_TEST(problems[0].reason.find("sha256") != std::string::npos);
  BOOST_TEST(!s->verify(id).ok());
  // A sound document that disagrees with the history (another hash at seq 3).
  Position wrong = r3.head;
  wrong.hash = r2.head.hash;
  s->put_snapshot(id, at3, wrong);
  problems.clear();
  got = s->newest_snapshot(id, &problems);
  BOOST_TEST_REQUIRE(got.has_value());
  BOOST_TEST(got->position.seq == 2u);
  BOOST_TEST_REQUIRE(problems.size() == 1u);
  BOOST_TEST(problems[0].reason.find("disagrees with the history") != std::string::npos);
  // usable() picks an older one; prune keeps the newest.
  problems.clear();
  got = s->newest_snapshot(id, &problems, [](const Position& p) { return p.seq <= 2; });
  BOOST_TEST_REQUIRE(got.has_value());
  BOOST_TEST(got->position.seq == 2u);
  s->prune_snapshots(id, 1);
  BOOST_TEST(sql.exec("SELECT seq FROM promptjournal.snapshots WHERE session_id = $1", {Param(id)}).rows() == 1);
}

BOOST_AUTO_TEST_CASE(verify_reports_events_head_and_snapshots_of_a_sound_session) {
  auto s = open_store();
  const std::string id = unique_id("verify");
  s->append(id, created(), 0);
  auto r = s->append(id, {HumanInputUpdated{"a"}, HumanInputUpdated{"b"}}, 1);
  s->put_snapshot(id, replay(read_all(*s, id)), r.head);
  auto report = s->verify(id);
  BOOST_TEST(report.ok());
  BOOST_TEST(report.events == 3u);
  BOOST_TEST(report.head == r.head);
  BOOST_TEST(report.snapshots_checked == 1u);
  auto missing = s->verify(unique_id("nobody"));
  BOOST_TEST(!missing.ok());
  BOOST_TEST((missing.problems.at(0).kind == VerifyProblem::Kind::kMissing));
}

BOOST_AUTO_TEST_CASE(schema_creation_twice_and_concurrently_is_harmless) {
  Sql sql;
  const std::string db = "pjschema_" + std::to_string(::getpid());
  sql.exec("DROP DATABASE IF EXISTS " + db);
  sql.exec("CREATE DATABASE " + db);
  const std::string url = "postgresql:///" + db;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int i = 0; i < 6; ++i)
    threads.emplace_back([&] {
      try {
        open_store(url);
      } catch (const JournalError&) {
        ++failures;
      }
    });
  for (auto& t : threads) t.join();
  BOOST_TEST(failures == 0);
  auto again = open_store(url);  // once more, after
  again->append("s", created(), 0);
  detail::pg::Connection c(url);
  auto v = c.exec("t", "SELECT version FROM promptjournal.schema_version");
  BOOST_TEST(v.rows() == 1);
  BOOST_TEST(v.int64(0, 0) == detail::kPgSchemaVersion);
  c.drop();
  again.reset();
}

BOOST_AUTO_TEST_CASE(wait_for_append_wakes_on_an_append_from_another_connection_and_times_out_otherwise) {
  auto waiter = open_store();
  auto writer = open_store();
  const std::string id = unique_id("wait");
  writer->append(id, created(), 0);
  BOOST_TEST(waiter->wait_for_append(id, 0, std::chrono::milliseconds(0)));  // already there
  BOOST_TEST(!waiter->wait_for_append(id, 1, std::chrono::milliseconds(200)));
  std::thread t([&] {
    ::usleep(200000);
    writer->append(unique_id("other"), created(), 0);  // another session: no wake-up for id
    writer->append(id, edit("x"), 1);
  });
  bool woke = waiter->wait_for_append(id, 1, std::chrono::seconds(60));
  t.join();
  BOOST_TEST(woke);
  BOOST_TEST(read_all(*waiter, id).size() == 2u);
}

BOOST_AUTO_TEST_CASE(describe_names_the_server_and_never_the_password) {
  auto s = open_store();
  const std::string pw = std::getenv("PGPASSWORD");
  BOOST_TEST(s->describe().rfind("postgresql://", 0) == 0);
  BOOST_TEST(s->describe().find(pw) == std::string::npos);
  BOOST_TEST(detail::pg::redact_url("postgresql://me:s3cret@db.example/pj?sslmode=require") ==
             "postgresql://me@db.example/pj?sslmode=require");
  BOOST_TEST(detail::pg::redact_url("postgresql://db/pj?password=s3cret&sslmode=require") ==
             "postgresql://db/pj?sslmode=require");
  // A failed connection's message names the URL without the password.
  try {
    detail::open_postgresql_store("postgresql://me:s3cret@127.0.0.1:1/pj?connect_timeout=2", options());
    BOOST_FAIL("connected to port 1");
  } catch (const JournalError& e) {
    BOOST_TEST(e.kind() == ErrorKind::kUnavailable);
    BOOST_TEST(std::string(e.what()).find("s3cret") == std::string::npos);
    BOOST_TEST(std::string(e.what()).find("postgresql://me@127.0.0.1:1/pj") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(append_events_copies_a_session_byte_exact) {
  auto s = open_store();
  const std::string id = unique_id("copy-src");
  s->append(id, created(), 0);
  auto r = s->append(id, {HumanInputUpdated{"a"}, OptimizedPromptUpdated{"b", {"f1"}}}, 1);
  auto events = read_all(*s, id);
  // Into a file journal, then back into another PostgreSQL session id? The id
  // is in the line: copy into a fresh database instead.
  Sql sql;
  const std::string db = "pjcopy_" + std::to_string(::getpid());
  sql.exec("DROP DATABASE IF EXISTS " + db);
  sql.exec("CREATE DATABASE " + db);
  auto dst = open_store("postgresql:///" + db);
  Position head = dst->append_events(id, {events[0]});
  head = dst->append_events(id, {events[1], events[2]});
  BOOST_TEST(head == r.head);
  BOOST_TEST(dst->verify(id).ok());
  Event forged = events[2];
  forged.seq = 4;
  forged.prev = events[2].hash;
  std::get<OptimizedPromptUpdated>(forged.data).prompt = "forged";  // hash not recomputed
  BOOST_CHECK_THROW(dst->append_events(id, {forged}), JournalError);
  BOOST_TEST(dst->check_history(id) == r.head);
}

BOOST_AUTO_TEST_SUITE_END()
