#pragma once
// The storage interface every module talks to. Two drivers implement it: SQLite (embedded
// default: one writer thread with group commit, a pool of readers) and PostgreSQL (a libpq
// connection pool). SQL uses `?` placeholders on both; the PostgreSQL driver rewrites them.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace kefu::db {

enum class Dialect { kSqlite, kPostgres };

// A bound parameter or a column value. Times are epoch ms (int64), money is fen (int64),
// booleans are 0/1, flexible attributes are JSON text.
using Value = std::variant<std::nullptr_t, int64_t, double, std::string>;

class Param {
 public:
  Param(std::nullptr_t) : v_(nullptr) {}
  Param(int v) : v_(static_cast<int64_t>(v)) {}
  Param(long v) : v_(static_cast<int64_t>(v)) {}
  Param(long long v) : v_(static_cast<int64_t>(v)) {}
  Param(unsigned v) : v_(static_cast<int64_t>(v)) {}
  Param(bool v) : v_(static_cast<int64_t>(v ? 1 : 0)) {}
  Param(double v) : v_(v) {}
  Param(const char* v) : v_(std::string(v)) {}
  Param(std::string v) : v_(std::move(v)) {}
  Param(std::string_view v) : v_(std::string(v)) {}
  template <class T>
  Param(const std::optional<T>& v) : v_(nullptr) {
    if (v) v_ = Param(*v).value();
  }
  const Value& value() const { return v_; }

 private:
  Value v_;
};
using Params = std::vector<Param>;

// "(?, ?, ...)" for `WHERE x IN ` with the values appended to `params`; "(NULL)" for none
// (matches nothing on both dialects).
template <class T>
std::string in_list(const std::vector<T>& values, Params& params) {
  if (values.empty()) return "(NULL)";
  std::string sql = "(";
  for (size_t i = 0; i < values.size(); ++i) {
    sql += i ? ", ?" : "?";
    params.emplace_back(values[i]);
  }
  return sql + ")";
}

class Row {
 public:
  explicit Row(std::vector<Value> cols) : cols_(std::move(cols)) {}
  size_t size() const { return cols_.size(); }
  bool is_null(size_t i) const { return std::holds_alternative<std::nullptr_t>(cols_.at(i)); }
  // Typed accessors convert text (PostgreSQL returns text) as needed; NULL reads as 0 / "".
  int64_t i64(size_t i) const;
  double f64(size_t i) const;
  std::string str(size_t i) const;
  bool boolean(size_t i) const { return i64(i) != 0; }
  std::optional<int64_t> opt_i64(size_t i) const {
    return is_null(i) ? std::nullopt : std::optional<int64_t>(i64(i));
  }
  std::optional<std::string> opt_str(size_t i) const {
    return is_null(i) ? std::nullopt : std::optional<std::string>(str(i));
  }
  const Value& raw(size_t i) const { return cols_.at(i); }

 private:
  std::vector<Value> cols_;
};
using Rows = std::vector<Row>;

// A connection in use, inside a transaction for writes. Not thread-safe; never kept.
class Session {
 public:
  virtual ~Session() = default;
  virtual Dialect dialect() const = 0;
  virtual Rows query(std::string_view sql, const Params& params = {}) = 0;
  // Returns the number of rows changed.
  virtual int64_t exec(std::string_view sql, const Params& params = {}) = 0;
  // Runs several statements without parameters (migrations).
  virtual void exec_script(std::string_view sql) = 0;

  std::optional<Row> query_one(std::string_view sql, const Params& params = {}) {
    Rows rows = query(sql, params);
    if (rows.empty()) return std::nullopt;
    return std::move(rows.front());
  }

  // Runs an INSERT of one row into a table whose key is `id` and returns the new id, or
  // nothing when `ON CONFLICT ... DO NOTHING` skipped the row. Write the statement without
  // RETURNING: PostgreSQL gets `RETURNING id` appended; SQLite reads the last rowid instead,
  // since RETURNING makes it open a statement savepoint whose release costs more than the
  // insert, and more the larger the database.
  virtual std::optional<int64_t> insert_row(std::string_view sql, const Params& params) {
    auto row = query_one(std::string(sql) + " RETURNING id", params);
    if (!row) return std::nullopt;
    return row->i64(0);
  }

  // Work for the end of this transaction: after the unit of work that asked for it (and
  // outside its savepoint), just before COMMIT; dropped if that unit fails. For full-text
  // index rows: SQLite's FTS5 flushes its pending terms at every savepoint, so index rows
  // written inside each of a group commit's savepoints become one index segment per write,
  // and deferred they become one per group. Nothing in the same transaction may read them.
  void defer(std::function<void(Session&)> fn) { deferred_.push_back(std::move(fn)); }
  // For drivers: the deferred work, in order, taken out of the session.
  std::vector<std::function<void(Session&)>> take_deferred() {
    return std::exchange(deferred_, {});
  }
  // For drivers: runs the deferred work, including work it defers in turn.
  void run_deferred() {
    while (!deferred_.empty())
      for (auto& fn : take_deferred()) fn(*this);
  }

 private:
  std::vector<std::function<void(Session&)>> deferred_;
};

struct Stats {
  std::string driver;  // "sqlite" or "postgres"
  int pool_size = 0;   // reader connections (SQLite) or pool connections (PostgreSQL)
  int pool_in_use = 0;
  int64_t write_queue_depth = 0;  // transactions waiting for the writer (SQLite)
  int64_t commits = 0;            // physical commits
  int64_t writes = 0;             // logical write transactions committed
};

struct Options {
  int pool_size = 4;    // readers (SQLite) or connections (PostgreSQL)
  int max_group = 256;  // SQLite: most transactions in one group commit
  int busy_timeout_ms = 5000;
};

// Thrown when the database itself fails (disk full, connection lost). The HTTP layer
// answers 503; callers never see a partial transaction.
class DatabaseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Thrown by a write when the database refused it on a constraint (unique, foreign key):
// services turn it into a 409 with a domain code.
class ConstraintError : public DatabaseError {
 public:
  using DatabaseError::DatabaseError;
};

class Database {
 public:
  virtual ~Database() = default;
  virtual Dialect dialect() const = 0;

  // Runs `fn` on a reader connection inside one read transaction (a consistent snapshot).
  virtual void read(const std::function<void(Session&)>& fn) = 0;
  // Runs `fn` inside one write transaction. Returns after the transaction is durable; if fn
  // throws, nothing it did is kept and the exception reaches the caller. Blocks: never call
  // it on an io thread. PostgreSQL runs fn again after a serialization failure or deadlock.
  void write(const std::function<void(Session&)>& fn) { run_write(fn, Repeat::kRarely); }
  // The same for a unit of work that is cheap to run again and safe to: whatever it
  // changes outside the database it sets anew on each run (assigns, never appends to a
  // caller's list), and a run that threw (but for PostgreSQL's serialization failure) is
  // not run again. SQLite's writer runs these in its group commit without a savepoint of
  // their own (a savepoint copies every page the work first touches to a statement
  // journal: a seventh of the writer's CPU per ticket); when one of them throws, it rolls
  // the group back and runs the others again, each in its own savepoint. For the hot
  // paths (creating a ticket, the event consumers' batches).
  void write_repeatable(const std::function<void(Session&)>& fn) { run_write(fn, Repeat::kSafe); }

  virtual bool ping() = 0;
  virtual Stats stats() = 0;
  // Copies the database to `path` while it is in use (SQLite online backup). PostgreSQL
  // deployments use pg_dump instead and get an error here.
  virtual void backup(const std::string& path) = 0;

  template <class F>
  auto reading(F&& f) -> decltype(f(std::declval<Session&>())) {
    using R = decltype(f(std::declval<Session&>()));
    if constexpr (std::is_void_v<R>) {
      read([&](Session& s) { f(s); });
    } else {
      std::optional<R> out;
      read([&](Session& s) { out.emplace(f(s)); });
      return std::move(*out);
    }
  }
  template <class F>
  auto writing(F&& f) -> decltype(f(std::declval<Session&>())) {
    using R = decltype(f(std::declval<Session&>()));
    if constexpr (std::is_void_v<R>) {
      write([&](Session& s) { f(s); });
    } else {
      std::optional<R> out;
      write([&](Session& s) { out.emplace(f(s)); });
      return std::move(*out);
    }
  }

 protected:
  enum class Repeat { kRarely, kSafe };
  virtual void run_write(const std::function<void(Session&)>& fn, Repeat repeat) = 0;
};

// Opens `sqlite:///abs/path.db`, `sqlite://relative.db`, `sqlite::memory:` or
// `postgresql://user@host:port/db` (any libpq URI).
std::unique_ptr<Database> open(const std::string& url, const Options& options = {});

}  // namespace kefu::db
