// SQLite driver: WAL with synchronous=FULL so an acknowledged write survives power loss;
// one writer thread commits queued transactions in groups (one fsync for many writes);
// a pool of query-only reader connections; a prepared-statement cache per connection.
#include "platform/db/sqlite.h"

#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <future>
#include <mutex>
#include <thread>
#include <unordered_map>

#include <spdlog/spdlog.h>

#include "platform/core/thread_name.h"

namespace kefu::db {
namespace {

[[noreturn]] void fail(sqlite3* db, int rc, std::string_view what) {
  std::string msg = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  if ((rc & 0xff) == SQLITE_CONSTRAINT) throw ConstraintError(msg);
  throw DatabaseError(msg);
}

class Connection final : public Session {
 public:
  Connection(const std::string& path, bool read_only, int busy_timeout_ms) {
    int flags = SQLITE_OPEN_NOMUTEX |
                (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
      std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
      sqlite3_close(db_);
      throw DatabaseError("cannot open " + path + ": " + msg);
    }
    sqlite3_busy_timeout(db_, busy_timeout_ms);
    sqlite3_extended_result_codes(db_, 1);
    if (!read_only) {
      // The writer's page cache: 128 MiB (default 2 MiB), so that a large transaction (an
      // import of a million customers) does not spill index pages to the WAL and dirty them
      // again and again before it commits.
      exec_script(
          "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-131072; "
          "PRAGMA temp_store=MEMORY;");
    }
    exec_script("PRAGMA foreign_keys=ON;");
    // A reader's page cache: 32 MiB (default 2 MiB, which one list of a small branch's rows
    // in a large table runs through, so every page came back by pread and a copy).
    if (read_only) exec_script("PRAGMA query_only=1; PRAGMA cache_size=-32768;");
  }
  ~Connection() override {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Dialect dialect() const override { return Dialect::kSqlite; }

  Rows query(std::string_view sql, const Params& params) override {
    sqlite3_stmt* stmt = prepare(sql, params);
    Rows rows;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) rows.push_back(read_row(stmt));
    finish(stmt, rc, sql);
    return rows;
  }

  int64_t exec(std::string_view sql, const Params& params) override {
    sqlite3_stmt* stmt = prepare(sql, params);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    }
    finish(stmt, rc, sql);
    return sqlite3_changes64(db_);
  }

  std::optional<int64_t> insert_row(std::string_view sql, const Params& params) override {
    if (exec(sql, params) == 0) return std::nullopt;
    return sqlite3_last_insert_rowid(db_);
  }

  void exec_script(std::string_view sql) override {
    std::string s(sql);
    char* err = nullptr;
    int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      std::string msg = err ? err : sqlite3_errstr(rc);
      sqlite3_free(err);
      if ((rc & 0xff) == SQLITE_CONSTRAINT) throw ConstraintError(msg);
      throw DatabaseError(msg);
    }
  }

  sqlite3* handle() { return db_; }

 private:
  sqlite3_stmt* prepare(std::string_view sql, const Params& params) {
    auto it = cache_.find(sql);  // by view: no copy of the text for a statement seen before
    sqlite3_stmt* stmt = nullptr;
    if (it == cache_.end()) {
      std::string key(sql);
      int rc = sqlite3_prepare_v3(db_, key.data(), static_cast<int>(key.size()),
                                  SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
      if (rc != SQLITE_OK) fail(db_, rc, "prepare failed for: " + key);
      cache_.emplace(std::move(key), stmt);
    } else {
      stmt = it->second;
    }
    if (static_cast<int>(params.size()) != sqlite3_bind_parameter_count(stmt)) {
      throw DatabaseError("wrong number of parameters for: " + std::string(sql));
    }
    for (size_t i = 0; i < params.size(); ++i) {
      int idx = static_cast<int>(i + 1);
      const Value& v = params[i].value();
      int rc = SQLITE_OK;
      if (std::holds_alternative<std::nullptr_t>(v)) {
        rc = sqlite3_bind_null(stmt, idx);
      } else if (auto p = std::get_if<int64_t>(&v)) {
        rc = sqlite3_bind_int64(stmt, idx, *p);
      } else if (auto d = std::get_if<double>(&v)) {
        rc = sqlite3_bind_double(stmt, idx, *d);
      } else {
        // The parameters outlive the statement's run (finish() clears the bindings), so
        // SQLite need not copy the text: an import binds millions of strings.
        const auto& s = std::get<std::string>(v);
        rc = sqlite3_bind_text64(stmt, idx, s.data(), s.size(), SQLITE_STATIC, SQLITE_UTF8);
      }
      if (rc != SQLITE_OK) fail(db_, rc, "bind failed");
    }
    return stmt;
  }

  void finish(sqlite3_stmt* stmt, int rc, std::string_view sql) {
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    if (rc != SQLITE_DONE) fail(db_, rc, "statement failed: " + std::string(sql.substr(0, 200)));
  }

  static Row read_row(sqlite3_stmt* stmt) {
    int n = sqlite3_column_count(stmt);
    std::vector<Value> cols;
    cols.reserve(n);
    for (int c = 0; c < n; ++c) {
      switch (sqlite3_column_type(stmt, c)) {
        case SQLITE_INTEGER:
          cols.emplace_back(static_cast<int64_t>(sqlite3_column_int64(stmt, c)));
          break;
        case SQLITE_FLOAT:
          cols.emplace_back(sqlite3_column_double(stmt, c));
          break;
        case SQLITE_NULL:
          cols.emplace_back(nullptr);
          break;
        default: {
          auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
          cols.emplace_back(std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt, c))));
        }
      }
    }
    return Row(std::move(cols));
  }

  sqlite3* db_ = nullptr;
  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, sqlite3_stmt*, TextHash, std::equal_to<>> cache_;
};

struct WriteJob {
  const std::function<void(Session&)>* fn;
  bool repeatable = false;
  std::promise<void> done;
};

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(std::string path, const Options& options)
      : path_(std::move(path)), options_(options) {
    auto dir = std::filesystem::path(path_).parent_path();
    if (!dir.empty()) std::filesystem::create_directories(dir);
    writer_conn_ = std::make_unique<Connection>(path_, false, options_.busy_timeout_ms);
    for (int i = 0; i < std::max(1, options_.pool_size); ++i) {
      readers_.push_back(std::make_unique<Connection>(path_, true, options_.busy_timeout_ms));
      idle_.push_back(readers_.back().get());
    }
    writer_ = std::thread([this] {
      core::name_this_thread("kefu-db-writer");
      write_loop();
    });
  }

  ~SqliteDatabase() override {
    {
      std::lock_guard lock(queue_mu_);
      stopping_ = true;
    }
    queue_cv_.notify_all();
    writer_.join();
  }

  Dialect dialect() const override { return Dialect::kSqlite; }

  void read(const std::function<void(Session&)>& fn) override {
    Connection* c = checkout();
    struct Return {
      SqliteDatabase* self;
      Connection* c;
      ~Return() { self->checkin(c); }
    } ret{this, c};
    c->exec("BEGIN", {});
    try {
      fn(*c);
      c->run_deferred();
    } catch (...) {
      c->take_deferred();
      c->exec_script("ROLLBACK");
      throw;
    }
    c->exec("COMMIT", {});
  }

  void run_write(const std::function<void(Session&)>& fn, Repeat repeat) override {
    WriteJob job{&fn, repeat == Repeat::kSafe, {}};
    auto fut = job.done.get_future();
    {
      std::lock_guard lock(queue_mu_);
      if (stopping_) throw DatabaseError("database is closing");
      queue_.push_back(&job);
      queue_depth_.store(static_cast<int64_t>(queue_.size()));
    }
    queue_cv_.notify_one();
    fut.get();  // rethrows what fn threw, or a commit failure
  }

  bool ping() override {
    try {
      read([](Session& s) { s.query("SELECT 1"); });
      return true;
    } catch (const std::exception&) {
      return false;
    }
  }

  Stats stats() override {
    Stats s;
    s.driver = "sqlite";
    s.pool_size = static_cast<int>(readers_.size());
    {
      std::lock_guard lock(pool_mu_);
      s.pool_in_use = s.pool_size - static_cast<int>(idle_.size());
    }
    s.write_queue_depth = queue_depth_.load();
    s.commits = commits_.load();
    s.writes = writes_.load();
    return s;
  }

  void backup(const std::string& path) override {
    Connection src(path_, true, options_.busy_timeout_ms);
    sqlite3* dst = nullptr;
    if (sqlite3_open(path.c_str(), &dst) != SQLITE_OK) {
      sqlite3_close(dst);
      throw DatabaseError("cannot open backup target " + path);
    }
    sqlite3_backup* b = sqlite3_backup_init(dst, "main", src.handle(), "main");
    if (!b) {
      std::string msg = sqlite3_errmsg(dst);
      sqlite3_close(dst);
      throw DatabaseError("backup failed: " + msg);
    }
    int rc;
    while ((rc = sqlite3_backup_step(b, 256)) == SQLITE_OK || rc == SQLITE_BUSY ||
           rc == SQLITE_LOCKED) {
      if (rc != SQLITE_OK) sqlite3_sleep(10);
    }
    sqlite3_backup_finish(b);
    std::string msg = sqlite3_errmsg(dst);
    sqlite3_close(dst);
    if (rc != SQLITE_DONE) throw DatabaseError("backup failed: " + msg);
  }

 private:
  Connection* checkout() {
    std::unique_lock lock(pool_mu_);
    pool_cv_.wait(lock, [this] { return !idle_.empty(); });
    Connection* c = idle_.back();
    idle_.pop_back();
    return c;
  }
  void checkin(Connection* c) {
    {
      std::lock_guard lock(pool_mu_);
      idle_.push_back(c);
    }
    pool_cv_.notify_one();
  }

  void write_loop() {
    std::vector<WriteJob*> group;
    for (;;) {
      {
        std::unique_lock lock(queue_mu_);
        queue_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty() && stopping_) return;
        while (!queue_.empty() && static_cast<int>(group.size()) < options_.max_group) {
          group.push_back(queue_.front());
          queue_.pop_front();
        }
        queue_depth_.store(static_cast<int64_t>(queue_.size()));
      }
      commit_group(group);
      group.clear();
    }
  }

  // One transaction per group. The repeatable jobs run first, without savepoints; if one
  // throws, it is told at once, the transaction is rolled back and begun again, and the
  // others run again the careful way. The careful way: each job in its own savepoint, so a
  // job that throws is rolled back alone and told at once. The jobs that succeeded are told
  // only after the shared COMMIT is durable.
  void commit_group(std::vector<WriteJob*>& group) {
    Connection& c = *writer_conn_;
    std::vector<WriteJob*> fast, careful, kept;
    for (auto* j : group) (j->repeatable ? fast : careful).push_back(j);
    if (!begin(group)) return;
    std::vector<std::function<void(Session&)>> deferred;  // of the kept jobs, in order
    for (size_t i = 0; i < fast.size(); ++i) {
      try {
        (*fast[i]->fn)(c);
        for (auto& fn : c.take_deferred()) deferred.push_back(std::move(fn));
      } catch (...) {
        fast[i]->done.set_exception(std::current_exception());
        fast.erase(fast.begin() + static_cast<std::ptrdiff_t>(i));
        careful.insert(careful.begin(), fast.begin(), fast.end());
        fast.clear();
        deferred.clear();
        rollback(c);
        if (!begin(careful)) return;
        break;
      }
    }
    kept = fast;
    for (auto* j : careful)
      if (run_in_savepoint(c, *j, deferred)) kept.push_back(j);
    try {
      for (auto& fn : deferred) fn(c);
      c.run_deferred();
      c.exec("COMMIT", {});
    } catch (...) {
      auto err = std::current_exception();
      rollback(c);
      for (auto* j : kept) j->done.set_exception(err);
      return;
    }
    commits_.fetch_add(1);
    writes_.fetch_add(static_cast<int64_t>(kept.size()));
    for (auto* j : kept) j->done.set_value();
  }

  // BEGIN IMMEDIATE; if even that fails, every job is told.
  bool begin(const std::vector<WriteJob*>& jobs) {
    try {
      writer_conn_->exec("BEGIN IMMEDIATE", {});
      return true;
    } catch (...) {
      for (auto* j : jobs) j->done.set_exception(std::current_exception());
      return false;
    }
  }

  static void rollback(Connection& c) {
    c.take_deferred();
    try {
      c.exec_script("ROLLBACK");
    } catch (const std::exception& e) {
      spdlog::error("sqlite: rollback failed: {}", e.what());
    }
  }

  // Runs one job in its own savepoint; true if it is kept, false if it threw (and was
  // rolled back alone and told).
  static bool run_in_savepoint(Connection& c, WriteJob& j,
                               std::vector<std::function<void(Session&)>>& deferred) {
    c.exec("SAVEPOINT job", {});
    try {
      (*j.fn)(c);
      c.exec("RELEASE job", {});
      for (auto& fn : c.take_deferred()) deferred.push_back(std::move(fn));
      return true;
    } catch (...) {
      auto err = std::current_exception();
      c.take_deferred();  // the job's own end-of-transaction work goes with it
      try {
        c.exec_script("ROLLBACK TO job; RELEASE job");
      } catch (const std::exception& e) {
        spdlog::error("sqlite: rollback to savepoint failed: {}", e.what());
      }
      j.done.set_exception(err);
      return false;
    }
  }

  std::string path_;
  Options options_;
  std::unique_ptr<Connection> writer_conn_;
  std::vector<std::unique_ptr<Connection>> readers_;

  std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::vector<Connection*> idle_;  // GUARDED_BY(pool_mu_)

  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<WriteJob*> queue_;  // GUARDED_BY(queue_mu_)
  bool stopping_ = false;        // GUARDED_BY(queue_mu_)
  std::atomic<int64_t> queue_depth_{0};
  std::atomic<int64_t> commits_{0};
  std::atomic<int64_t> writes_{0};
  std::thread writer_;
};

}  // namespace

std::unique_ptr<Database> open_sqlite(const std::string& path, const Options& options) {
  return std::make_unique<SqliteDatabase>(path, options);
}

}  // namespace kefu::db
