// Contract tests for the storage interface, written once and run on every backend:
// SQLite on a temporary file, and PostgreSQL when KEFU_TEST_PG_URL names a server
// (scripts/pg-test-cluster.sh starts one; the instance is skipped otherwise).
// DDL is branched on the dialect; every DML statement is identical on both.
#include <gtest/gtest.h>

#include <unistd.h>
#include <atomic>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "platform/db/database.h"

namespace kefu::db {
namespace {

namespace fs = std::filesystem;

struct Boom : std::runtime_error {
  Boom() : std::runtime_error("boom") {}
};

class DbContract : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    // Unique per test and per process, so runs against a shared server do not collide.
    std::string name = info->name();
    name = name.substr(0, name.find('/'));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    table_ = "ct_" + name + "_" + std::to_string(::getpid());

    if (GetParam() == "postgres") {
      const char* url = std::getenv("KEFU_TEST_PG_URL");
      if (!url || !*url) GTEST_SKIP() << "KEFU_TEST_PG_URL not set";
      db_ = open(url, {});
    } else {
      static std::atomic<int> seq{0};
      path_ = fs::temp_directory_path() /
              ("kefu_contract_" + std::to_string(::getpid()) + "_" + std::to_string(seq++) + ".db");
      remove_sqlite_files();
      db_ = open("sqlite://" + path_.string(), {});
    }
    ASSERT_NE(db_, nullptr);
  }

  void TearDown() override {
    if (db_ && !table_.empty()) {
      try {
        db_->write([&](Session& s) { s.exec_script("DROP TABLE IF EXISTS " + table_); });
      } catch (...) {
      }
    }
    db_.reset();
    if (!path_.empty()) remove_sqlite_files();
  }

  void remove_sqlite_files() {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      fs::remove(path_.string() + suffix, ec);
    }
  }

  bool pg() const { return db_->dialect() == Dialect::kPostgres; }
  std::string id_column() const {
    return pg() ? "id BIGSERIAL PRIMARY KEY" : "id INTEGER PRIMARY KEY";
  }

  // Drops and creates this test's table; `columns` follow the id column.
  void create_table(const std::string& columns) {
    db_->write([&](Session& s) {
      s.exec_script("DROP TABLE IF EXISTS " + table_);
      s.exec_script("CREATE TABLE " + table_ + " (" + id_column() + ", " + columns + ")");
    });
  }

  int64_t count() {
    return db_->reading(
        [&](Session& s) { return s.query_one("SELECT COUNT(*) FROM " + table_)->i64(0); });
  }

  std::string table_;
  fs::path path_;
  std::unique_ptr<Database> db_;
};

TEST_P(DbContract, RoundTripsEveryValueKind) {
  const std::string f_type = pg() ? "DOUBLE PRECISION" : "REAL";
  create_table("i BIGINT, f " + f_type + ", s TEXT, n TEXT");
  const int64_t big = std::numeric_limits<int64_t>::max();
  const int64_t small = std::numeric_limits<int64_t>::min();
  const std::optional<int64_t> none;
  db_->write([&](Session& s) {
    EXPECT_EQ(s.dialect(), db_->dialect());
    const std::string ins = "INSERT INTO " + table_ + " (id, i, f, s, n) VALUES (?, ?, ?, ?, ?)";
    s.exec(ins, {1, big, 3.25, "张伟 漏水", nullptr});
    s.exec(ins, {2, small, -0.1, std::string(), "x"});
    s.exec(ins, {3, true, 1e300, std::string_view("a'b\"c\\d"), none});
    s.exec(ins, {4, none, none, none, std::optional<std::string>("opt")});
  });

  Rows rows = db_->reading(
      [&](Session& s) { return s.query("SELECT id, i, f, s, n FROM " + table_ + " ORDER BY id"); });
  ASSERT_EQ(rows.size(), 4u);
  for (const Row& r : rows) ASSERT_EQ(r.size(), 5u);

  const Row& a = rows[0];
  ASSERT_TRUE(std::holds_alternative<int64_t>(a.raw(0)));
  ASSERT_TRUE(std::holds_alternative<int64_t>(a.raw(1)));
  ASSERT_TRUE(std::holds_alternative<double>(a.raw(2)));
  ASSERT_TRUE(std::holds_alternative<std::string>(a.raw(3)));
  EXPECT_EQ(a.i64(0), 1);
  EXPECT_EQ(a.i64(1), big);
  EXPECT_DOUBLE_EQ(a.f64(2), 3.25);
  EXPECT_EQ(a.str(3), "张伟 漏水");
  EXPECT_TRUE(a.is_null(4));
  EXPECT_FALSE(a.opt_str(4).has_value());

  const Row& b = rows[1];
  EXPECT_EQ(b.i64(1), small);
  EXPECT_DOUBLE_EQ(b.f64(2), -0.1);
  EXPECT_FALSE(b.is_null(3)) << "empty text is not NULL";
  EXPECT_EQ(b.str(3), "");
  EXPECT_EQ(b.str(4), "x");

  const Row& c = rows[2];
  EXPECT_EQ(c.i64(1), 1);
  EXPECT_TRUE(c.boolean(1));
  EXPECT_DOUBLE_EQ(c.f64(2), 1e300);
  EXPECT_EQ(c.str(3), "a'b\"c\\d");
  EXPECT_TRUE(c.is_null(4));

  const Row& d = rows[3];
  EXPECT_TRUE(d.is_null(1));
  EXPECT_TRUE(d.is_null(2));
  EXPECT_TRUE(d.is_null(3));
  EXPECT_FALSE(d.opt_i64(1).has_value());
  EXPECT_EQ(d.opt_str(4), std::optional<std::string>("opt"));

  // Text parameters compare with text columns, including multi-byte ones.
  auto hit = db_->reading([&](Session& s) {
    return s.query_one("SELECT id FROM " + table_ + " WHERE s = ?", {"张伟 漏水"});
  });
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->i64(0), 1);
}

TEST_P(DbContract, ExpressionsOfBoundValuesKeepTheirKind) {
  Row r = *db_->reading([&](Session& s) { return s.query_one("SELECT ? + 1, ? * 2", {41, 1.5}); });
  ASSERT_TRUE(std::holds_alternative<int64_t>(r.raw(0)));
  EXPECT_EQ(r.i64(0), 42);
  ASSERT_TRUE(std::holds_alternative<double>(r.raw(1)));
  EXPECT_DOUBLE_EQ(r.f64(1), 3.0);
  // The same text with other kinds of values is still answered correctly.
  Row r2 = *db_->reading([&](Session& s) { return s.query_one("SELECT ? + 1, ? * 2", {1, 4}); });
  EXPECT_EQ(r2.i64(0), 2);
  EXPECT_EQ(r2.i64(1), 8);
}

TEST_P(DbContract, ReturningGivesTheNewId) {
  create_table("s TEXT NOT NULL");
  int64_t first = 0, second = 0;
  db_->write([&](Session& s) {
    first = s.query_one("INSERT INTO " + table_ + " (s) VALUES (?) RETURNING id", {"one"})->i64(0);
    second = s.query_one("INSERT INTO " + table_ + " (s) VALUES (?) RETURNING id", {"two"})->i64(0);
  });
  EXPECT_GT(first, 0);
  EXPECT_GT(second, first);
  auto row = db_->reading([&](Session& s) {
    return s.query_one("SELECT s FROM " + table_ + " WHERE id = ?", {second});
  });
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->str(0), "two");
  // writing() hands back what fn returns.
  int64_t third = db_->writing([&](Session& s) {
    return s.query_one("INSERT INTO " + table_ + " (s) VALUES (?) RETURNING id", {"three"})->i64(0);
  });
  EXPECT_GT(third, second);
}

TEST_P(DbContract, InsertRowGivesTheNewIdOrNothingWhenSkipped) {
  create_table("email TEXT NOT NULL UNIQUE");
  const std::string sql =
      "INSERT INTO " + table_ + " (email) VALUES (?) ON CONFLICT (email) DO NOTHING";
  auto ids = db_->writing([&](Session& s) {
    auto a = s.insert_row(sql, {"a@example.com"});
    auto b = s.insert_row(sql, {"b@example.com"});
    auto again = s.insert_row(sql, {"a@example.com"});
    return std::vector<std::optional<int64_t>>{a, b, again};
  });
  ASSERT_TRUE(ids[0] && ids[1]);
  EXPECT_NE(*ids[0], *ids[1]);
  EXPECT_FALSE(ids[2].has_value()) << "a skipped row has no id (not the previous row's)";
  auto email_of = [&](int64_t id) {
    return db_->reading([&](Session& s) {
      return s.query_one("SELECT email FROM " + table_ + " WHERE id = ?", {id})->str(0);
    });
  };
  EXPECT_EQ(email_of(*ids[0]), "a@example.com");
  EXPECT_EQ(email_of(*ids[1]), "b@example.com");
}

TEST_P(DbContract, ExecReturnsChangedRows) {
  create_table("i BIGINT NOT NULL");
  db_->write([&](Session& s) {
    for (int i = 1; i <= 5; ++i) {
      EXPECT_EQ(s.exec("INSERT INTO " + table_ + " (i) VALUES (?)", {i}), 1);
    }
    EXPECT_EQ(s.exec("UPDATE " + table_ + " SET i = i + 10 WHERE i >= ?", {3}), 3);
    EXPECT_EQ(s.exec("UPDATE " + table_ + " SET i = 0 WHERE i = ?", {999}), 0);
    EXPECT_EQ(s.exec("DELETE FROM " + table_ + " WHERE i < ?", {10}), 2);
  });
  EXPECT_EQ(count(), 3);
}

TEST_P(DbContract, WriteRollsBackWhenFnThrows) {
  create_table("s TEXT");
  EXPECT_THROW(db_->write([&](Session& s) {
    s.exec("INSERT INTO " + table_ + " (s) VALUES (?)", {"doomed"});
    // Inside the transaction the row is visible...
    EXPECT_EQ(s.query_one("SELECT COUNT(*) FROM " + table_)->i64(0), 1);
    throw Boom();
  }),
               Boom);
  // ...and afterwards it is gone, and the database still takes writes.
  EXPECT_EQ(count(), 0);
  db_->write([&](Session& s) { s.exec("INSERT INTO " + table_ + " (s) VALUES (?)", {"kept"}); });
  EXPECT_EQ(count(), 1);
}

TEST_P(DbContract, DeferredWorkRunsAtTheEndOnlyForWritesThatSucceed) {
  create_table("s TEXT NOT NULL, seq INTEGER NOT NULL");
  // Many concurrent writers, so that SQLite puts several into one group commit: each defers
  // a row; every third one then fails, and its deferred row must go with it.
  constexpr int kWriters = 24;
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      try {
        db_->write([&](Session& s) {
          s.defer([this, w](Session& s2) {
            // Deferred work may defer more; it runs too.
            s2.defer([this, w](Session& s3) {
              s3.exec("INSERT INTO " + table_ + " (s, seq) VALUES (?, ?)", {"second", w});
            });
            s2.exec("INSERT INTO " + table_ + " (s, seq) VALUES (?, ?)", {"first", w});
          });
          s.exec("INSERT INTO " + table_ + " (s, seq) VALUES (?, ?)", {"body", w});
          // Not yet run inside the unit of work itself.
          EXPECT_EQ(
              s.query_one("SELECT COUNT(*) FROM " + table_ + " WHERE s = 'first' AND seq = ?", {w})
                  ->i64(0),
              0);
          if (w % 3 == 0) throw Boom();
        });
      } catch (const Boom&) {
        failed++;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), kWriters / 3);
  auto rows = db_->reading([&](Session& s) {
    return s.query("SELECT s, COUNT(*), SUM(seq % 3) FROM " + table_ + " GROUP BY s ORDER BY s");
  });
  ASSERT_EQ(rows.size(), 3u);
  for (const auto& r : rows) {
    EXPECT_EQ(r.i64(1), kWriters - kWriters / 3) << r.str(0);
    // Only writers that did not fail (seq % 3 != 0) left anything.
    EXPECT_EQ(r.i64(2), (kWriters / 3) * (1 + 2)) << r.str(0);
  }
  // The next write does not run leftovers of the failed ones.
  db_->write([&](Session& s) { s.exec("INSERT INTO " + table_ + " (s, seq) VALUES ('x', 1)"); });
  EXPECT_EQ(count(), 3 * (kWriters - kWriters / 3) + 1);
}

TEST_P(DbContract, RepeatableWritesMixedWithOthersKeepExactlyTheSuccessfulOnes) {
  create_table("kind TEXT NOT NULL, w INTEGER NOT NULL, round INTEGER NOT NULL");
  // Concurrent writers, so that SQLite's groups mix repeatable writes (run without a
  // savepoint) with ordinary ones and failures of both kinds: a failing repeatable write
  // makes the writer roll the group back and run the others again. Each write inserts a row
  // and defers one, then some throw after their insert.
  constexpr int kWriters = 24;
  constexpr int kRounds = 6;
  std::vector<std::atomic<int>> plain_runs(kWriters * kRounds);
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      for (int r = 0; r < kRounds; ++r) {
        bool repeatable = (w + r) % 2 == 0;
        bool fails = (w * kRounds + r) % 5 == 0;
        auto fn = [&, w, r, repeatable, fails](Session& s) {
          if (!repeatable) plain_runs[w * kRounds + r]++;
          s.exec("INSERT INTO " + table_ + " (kind, w, round) VALUES ('body', ?, ?)", {w, r});
          s.defer([this, w, r](Session& s2) {
            s2.exec("INSERT INTO " + table_ + " (kind, w, round) VALUES ('deferred', ?, ?)",
                    {w, r});
          });
          if (fails) throw Boom();
        };
        try {
          if (repeatable)
            db_->write_repeatable(fn);
          else
            db_->write(fn);
        } catch (const Boom&) {
          failed++;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  int expect_failed = 0;
  for (int i = 0; i < kWriters * kRounds; ++i) expect_failed += i % 5 == 0;
  EXPECT_EQ(failed.load(), expect_failed);
  // An ordinary write ran once, whatever its group's repeatable writes did.
  for (auto& n : plain_runs) EXPECT_LE(n.load(), 1);
  auto rows = db_->reading([&](Session& s) {
    return s.query("SELECT kind, w, round, COUNT(*) FROM " + table_ +
                   " GROUP BY kind, w, round ORDER BY kind, w, round");
  });
  size_t i = 0;
  for (const char* kind : {"body", "deferred"})
    for (int w = 0; w < kWriters; ++w)
      for (int r = 0; r < kRounds; ++r) {
        if ((w * kRounds + r) % 5 == 0) continue;  // failed: nothing of it kept
        ASSERT_LT(i, rows.size());
        EXPECT_EQ(rows[i].str(0), kind);
        EXPECT_EQ(rows[i].i64(1), w);
        EXPECT_EQ(rows[i].i64(2), r);
        EXPECT_EQ(rows[i].i64(3), 1) << kind << " w" << w << " r" << r << " kept more than once";
        ++i;
      }
  EXPECT_EQ(i, rows.size());
}

TEST_P(DbContract, UniqueViolationIsConstraintErrorAndUndoesTheTransaction) {
  create_table("email TEXT NOT NULL UNIQUE");
  db_->write([&](Session& s) {
    s.exec("INSERT INTO " + table_ + " (email) VALUES (?)", {"a@example.com"});
  });
  bool caught = false;
  try {
    db_->write([&](Session& s) {
      s.exec("INSERT INTO " + table_ + " (email) VALUES (?)", {"b@example.com"});
      s.exec("INSERT INTO " + table_ + " (email) VALUES (?)", {"a@example.com"});
    });
  } catch (const ConstraintError& e) {
    caught = true;
    EXPECT_NE(std::string(e.what()), "");
  }
  EXPECT_TRUE(caught) << "expected ConstraintError";
  EXPECT_EQ(count(), 1);
  auto b = db_->reading([&](Session& s) {
    return s.query_one("SELECT id FROM " + table_ + " WHERE email = ?", {"b@example.com"});
  });
  EXPECT_FALSE(b.has_value()) << "the transaction's other insert must not be kept";
  // ConstraintError is a DatabaseError (the HTTP layer may catch either).
  EXPECT_THROW(db_->write([&](Session& s) {
    s.exec("INSERT INTO " + table_ + " (email) VALUES (?)", {"a@example.com"});
  }),
               DatabaseError);
}

TEST_P(DbContract, OtherFailuresAreDatabaseErrorNotConstraintError) {
  try {
    db_->read([&](Session& s) { s.query("SELECT nope FROM " + table_ + "_missing"); });
    ADD_FAILURE() << "expected DatabaseError";
  } catch (const ConstraintError&) {
    ADD_FAILURE() << "a missing table is not a constraint violation";
  } catch (const DatabaseError&) {
  }
  EXPECT_TRUE(db_->ping()) << "the failed statement must not poison the pool";
}

TEST_P(DbContract, ConcurrentWritesAllLand) {
  create_table("thread INTEGER NOT NULL, seq INTEGER NOT NULL");
  constexpr int kThreads = 16;
  constexpr int kPerThread = 50;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        try {
          db_->write([&](Session& s) {
            s.exec("INSERT INTO " + table_ + " (thread, seq) VALUES (?, ?)", {t, i});
          });
        } catch (const std::exception& e) {
          if (failures++ == 0) ADD_FAILURE() << "write failed: " << e.what();
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(count(), kThreads * kPerThread);
  auto distinct = db_->reading([&](Session& s) {
    return s.query_one("SELECT COUNT(DISTINCT id), COUNT(DISTINCT thread), MAX(seq) FROM " +
                       table_);
  });
  EXPECT_EQ(distinct->i64(0), kThreads * kPerThread);
  EXPECT_EQ(distinct->i64(1), kThreads);
  EXPECT_EQ(distinct->i64(2), kPerThread - 1);
}

TEST_P(DbContract, QuestionMarksInLiteralsAreNotPlaceholders) {
  Row r = *db_->reading([&](Session& s) {
    return s.query_one("SELECT '?' , ? AS \"why?\", 'it''s ?' -- what about this one?\n", {"x"});
  });
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r.str(0), "?");
  EXPECT_EQ(r.str(1), "x");
  EXPECT_EQ(r.str(2), "it's ?");
}

TEST_P(DbContract, ReadSeesCommittedData) {
  create_table("s TEXT");
  EXPECT_EQ(count(), 0);
  db_->write([&](Session& s) { s.exec("INSERT INTO " + table_ + " (s) VALUES (?)", {"v1"}); });
  auto row = db_->reading([&](Session& s) {
    EXPECT_EQ(s.dialect(), db_->dialect());
    return s.query_one("SELECT s FROM " + table_);
  });
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->str(0), "v1");
  db_->write([&](Session& s) { s.exec("UPDATE " + table_ + " SET s = ?", {"v2"}); });
  EXPECT_EQ(
      db_->reading([&](Session& s) { return s.query_one("SELECT s FROM " + table_); })->str(0),
      "v2");
  // A read that throws propagates the exception and leaves the database usable.
  EXPECT_THROW(db_->read([&](Session& s) {
    s.query("SELECT s FROM " + table_);
    throw Boom();
  }),
               Boom);
  EXPECT_EQ(count(), 1);
}

TEST_P(DbContract, PingAndStats) {
  EXPECT_TRUE(db_->ping());
  const Stats before = db_->stats();
  EXPECT_EQ(before.driver, pg() ? "postgres" : "sqlite");
  EXPECT_GT(before.pool_size, 0);
  EXPECT_EQ(before.pool_in_use, 0);
  create_table("s TEXT");
  db_->write([&](Session& s) { s.exec("INSERT INTO " + table_ + " (s) VALUES (?)", {"x"}); });
  const Stats after = db_->stats();
  EXPECT_GE(after.writes, before.writes + 2);  // the CREATE TABLE and the INSERT
  EXPECT_GE(after.commits, 1);
}

TEST_P(DbContract, Backup) {
  if (pg()) {
    EXPECT_THROW(db_->backup((fs::temp_directory_path() / "kefu_never.db").string()),
                 DatabaseError);
    return;
  }
  create_table("s TEXT");
  db_->write([&](Session& s) { s.exec("INSERT INTO " + table_ + " (s) VALUES (?)", {"saved"}); });
  const fs::path copy = path_.string() + ".bak";
  db_->backup(copy.string());
  EXPECT_TRUE(fs::exists(copy));
  EXPECT_GT(fs::file_size(copy), 0u);
  std::error_code ec;
  fs::remove(copy, ec);
}

INSTANTIATE_TEST_SUITE_P(Backends, DbContract, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace kefu::db
