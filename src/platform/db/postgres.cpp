// PostgreSQL driver on libpq. A fixed-size pool of connections (opened lazily, the first
// one eagerly), `?` placeholders rewritten to `$n`, named prepared statements cached per
// connection, text format both ways, SQLSTATE mapped to ConstraintError / DatabaseError,
// serialization failures and deadlocks retried by re-running the write.
#include "platform/db/postgres.h"

#include <libpq-fe.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

namespace kefu::db {
namespace {

// Type OIDs from pg_type.h (stable across PostgreSQL versions).
constexpr Oid kBoolOid = 16;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kNumericOid = 1700;

constexpr int kMaxRetries = 3;               // extra attempts after a 40001 / 40P01
constexpr size_t kMaxPreparedPerConn = 512;  // beyond: unnamed statements, not cached
constexpr size_t kMaxRewriteCache = 4096;    // beyond: the cache is cleared
constexpr auto kCheckoutTimeout = std::chrono::seconds(30);
constexpr auto kPingCheckoutTimeout = std::chrono::seconds(5);

// A serialization failure or deadlock: the write is re-run from the start.
class RetryableError : public DatabaseError {
 public:
  using DatabaseError::DatabaseError;
};

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// libpq's connection messages span lines ("server closed the connection\n\tThis probably
// means..."): flattened for one-line logs and exception texts.
std::string conn_error(PGconn* pg) {
  const char* m = pg ? PQerrorMessage(pg) : nullptr;
  std::string out;
  for (const char* p = m ? m : ""; *p; ++p) {
    const bool space = *p == '\n' || *p == '\r' || *p == '\t' || *p == ' ';
    if (!space) {
      out += *p;
    } else if (!out.empty() && out.back() != ' ') {
      out += ' ';
    }
  }
  out = trim(std::move(out));
  return out.empty() ? "connection failed" : out;
}

void notice_processor(void*, const char* message) {
  spdlog::debug("postgres: {}", trim(message ? message : ""));
}

// ---------------------------------------------------------------------------------------
// `?` → `$n`, leaving string literals, quoted identifiers, comments and dollar quotes alone.

struct Rewritten {
  std::string sql;
  size_t nparams = 0;
};

bool ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

Rewritten rewrite_placeholders(std::string_view sql) {
  Rewritten out;
  out.sql.reserve(sql.size() + 16);
  const size_t n = sql.size();
  size_t i = 0;
  while (i < n) {
    const char c = sql[i];
    size_t j = i + 1;
    if (c == '\'') {
      // E'...' strings take backslash escapes; standard strings only double the quote.
      const bool escapes =
          i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') && (i < 2 || !ident_char(sql[i - 2]));
      while (j < n) {
        if (escapes && sql[j] == '\\') {
          j += 2;
        } else if (sql[j] == '\'') {
          if (j + 1 < n && sql[j + 1] == '\'') {
            j += 2;
          } else {
            ++j;
            break;
          }
        } else {
          ++j;
        }
      }
    } else if (c == '"') {
      while (j < n && sql[j] != '"') ++j;  // "" inside re-enters on the next loop turn
      if (j < n) ++j;
    } else if (c == '-' && j < n && sql[j] == '-') {
      while (j < n && sql[j] != '\n') ++j;
    } else if (c == '/' && j < n && sql[j] == '*') {
      int depth = 1;  // PostgreSQL block comments nest
      ++j;
      while (j < n && depth > 0) {
        if (sql[j] == '/' && j + 1 < n && sql[j + 1] == '*') {
          ++depth;
          j += 2;
        } else if (sql[j] == '*' && j + 1 < n && sql[j + 1] == '/') {
          --depth;
          j += 2;
        } else {
          ++j;
        }
      }
    } else if (c == '$' && (i == 0 || !ident_char(sql[i - 1]))) {
      // Dollar quote $tag$...$tag$ (a tag never starts with a digit: $1 is a parameter).
      size_t k = j;
      if (k < n && sql[k] != '$' && !(sql[k] >= '0' && sql[k] <= '9')) {
        while (k < n && ident_char(sql[k])) ++k;
      }
      if (k < n && sql[k] == '$') {
        const std::string_view tag = sql.substr(i, k - i + 1);
        const size_t end = sql.find(tag, k + 1);
        j = end == std::string_view::npos ? n : end + tag.size();
      }
    } else if (c == '?') {
      out.sql += '$';
      out.sql += std::to_string(++out.nparams);
      i = j;
      continue;
    }
    out.sql.append(sql.substr(i, j - i));
    i = j;
  }
  return out;
}

// ---------------------------------------------------------------------------------------

[[noreturn]] void throw_result_error(PGresult* res, PGconn* pg) {
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  const char* primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  const char* detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : nullptr;
  std::string msg = "postgres: ";
  if (primary) {
    msg += primary;
  } else {
    std::string m = res ? trim(PQresultErrorMessage(res)) : std::string();
    msg += m.empty() ? conn_error(pg) : m;
  }
  if (detail) msg += std::string(" (") + detail + ")";
  const std::string sqlstate = state ? state : "";
  if (!sqlstate.empty()) msg += " [" + sqlstate + "]";
  if (sqlstate.rfind("23", 0) == 0) throw ConstraintError(msg);
  if (sqlstate == "40001" || sqlstate == "40P01") throw RetryableError(msg);
  throw DatabaseError(msg);
}

void check(const Result& res, PGconn* pg) {
  if (!res) throw DatabaseError("postgres: " + conn_error(pg));
  switch (PQresultStatus(res.get())) {
    case PGRES_COMMAND_OK:
    case PGRES_TUPLES_OK:
    case PGRES_EMPTY_QUERY:
      return;
    default:
      throw_result_error(res.get(), pg);
  }
}

bool is_stale_plan(const Result& res) {
  if (!res || PQresultStatus(res.get()) != PGRES_FATAL_ERROR) return false;
  const char* state = PQresultErrorField(res.get(), PG_DIAG_SQLSTATE);
  const char* primary = PQresultErrorField(res.get(), PG_DIAG_MESSAGE_PRIMARY);
  return state && std::strcmp(state, "0A000") == 0 && primary &&
         std::strstr(primary, "cached plan") != nullptr;
}

Value convert(Oid type, const char* v, int len) {
  switch (type) {
    case kInt2Oid:
    case kInt4Oid:
    case kInt8Oid: {
      int64_t out = 0;
      auto [p, ec] = std::from_chars(v, v + len, out);
      if (ec == std::errc() && p == v + len) return out;
      return std::string(v, static_cast<size_t>(len));
    }
    case kFloat4Oid:
    case kFloat8Oid:
    case kNumericOid: {
      double out = 0;
      auto [p, ec] = std::from_chars(v, v + len, out);
      if (ec == std::errc() && p == v + len) return out;
      return std::strtod(v, nullptr);  // "Infinity", out-of-range numerics
    }
    case kBoolOid:
      return static_cast<int64_t>(len > 0 && v[0] == 't' ? 1 : 0);
    default:
      return std::string(v, static_cast<size_t>(len));
  }
}

Rows to_rows(const PGresult* res) {
  const int nrows = PQntuples(res);
  const int ncols = PQnfields(res);
  std::vector<Oid> types(static_cast<size_t>(ncols));
  for (int c = 0; c < ncols; ++c) types[static_cast<size_t>(c)] = PQftype(res, c);
  Rows rows;
  rows.reserve(static_cast<size_t>(nrows));
  for (int r = 0; r < nrows; ++r) {
    std::vector<Value> cols;
    cols.reserve(static_cast<size_t>(ncols));
    for (int c = 0; c < ncols; ++c) {
      if (PQgetisnull(res, r, c)) {
        cols.emplace_back(nullptr);
      } else {
        cols.push_back(
            convert(types[static_cast<size_t>(c)], PQgetvalue(res, r, c), PQgetlength(res, r, c)));
      }
    }
    rows.emplace_back(std::move(cols));
  }
  return rows;
}

// One pooled connection and its prepared statements (statement key → server-side name).
struct Conn {
  PGconn* pg = nullptr;
  std::unordered_map<std::string, std::string> statements;
  uint64_t next_statement = 0;

  Conn() = default;
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;
  ~Conn() {
    if (pg) PQfinish(pg);
  }
};

// Session settings, run after every (re)connect.
void setup(Conn& c) {
  PQsetNoticeProcessor(c.pg, notice_processor, nullptr);
  c.statements.clear();
  if (PQsetClientEncoding(c.pg, "UTF8") != 0) {
    throw DatabaseError("postgres: cannot set client_encoding UTF8: " + conn_error(c.pg));
  }
  Result r(PQexec(c.pg, "SET TIME ZONE 'UTC'"));
  check(r, c.pg);
}

void reconnect(Conn& c) {
  PQreset(c.pg);
  if (PQstatus(c.pg) != CONNECTION_OK) {
    throw DatabaseError("postgres: reconnect failed: " + conn_error(c.pg));
  }
  setup(c);
}

// Ends whatever transaction is open, ignoring failures (the connection may be gone).
void rollback(Conn& c) noexcept {
  const PGTransactionStatusType ts = PQtransactionStatus(c.pg);
  if (ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR) {
    Result r(PQexec(c.pg, "ROLLBACK"));
    (void)r;
  }
}

class PgDatabase;

// A checked-out connection; gives it back to the pool when destroyed.
class Lease {
 public:
  Lease(PgDatabase* db, std::unique_ptr<Conn> conn) : db_(db), conn_(std::move(conn)) {}
  Lease(Lease&& o) noexcept : db_(std::exchange(o.db_, nullptr)), conn_(std::move(o.conn_)) {}
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  Lease& operator=(Lease&&) = delete;
  ~Lease();
  Conn& operator*() const { return *conn_; }
  Conn* operator->() const { return conn_.get(); }

 private:
  PgDatabase* db_;
  std::unique_ptr<Conn> conn_;
};

class PgSession final : public Session {
 public:
  PgSession(PgDatabase& db, Conn& conn) : db_(db), conn_(conn) {}
  Dialect dialect() const override { return Dialect::kPostgres; }
  Rows query(std::string_view sql, const Params& params) override;
  int64_t exec(std::string_view sql, const Params& params) override;
  void exec_script(std::string_view sql) override;

  // The first server error that aborted the transaction, if fn swallowed it.
  std::exception_ptr aborted_by() const { return aborted_by_; }

 private:
  template <class F>
  auto guarded(F&& f) -> decltype(f()) {
    try {
      return f();
    } catch (const DatabaseError&) {
      if (!aborted_by_ && PQtransactionStatus(conn_.pg) == PQTRANS_INERROR) {
        aborted_by_ = std::current_exception();
      }
      throw;
    }
  }

  PgDatabase& db_;
  Conn& conn_;
  std::exception_ptr aborted_by_;
};

class PgDatabase final : public Database {
 public:
  PgDatabase(std::string url, const Options& options)
      : url_(std::move(url)), pool_size_(options.pool_size > 0 ? options.pool_size : 1) {}

  ~PgDatabase() override = default;

  void warm_up() { Lease lease = checkout(kCheckoutTimeout); }

  Dialect dialect() const override { return Dialect::kPostgres; }

  void read(const std::function<void(Session&)>& fn) override {
    Lease lease = checkout(kCheckoutTimeout);
    begin(*lease, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    PgSession session(*this, *lease);
    try {
      fn(session);
      session.run_deferred();
    } catch (...) {
      rollback(*lease);
      throw;
    }
    if (PQtransactionStatus(lease->pg) == PQTRANS_INERROR) {
      // fn swallowed an error; nothing to keep in a read-only transaction.
      rollback(*lease);
      return;
    }
    commit(*lease);
  }

  // Every write may run again here (a serialization failure), so `repeat` changes nothing.
  void run_write(const std::function<void(Session&)>& fn, Repeat /*repeat*/) override {
    Lease lease = checkout(kCheckoutTimeout);
    for (int attempt = 0;; ++attempt) {
      begin(*lease, "BEGIN");
      PgSession session(*this, *lease);
      try {
        fn(session);
        session.run_deferred();
        if (PQtransactionStatus(lease->pg) == PQTRANS_INERROR) {
          // fn caught a statement error and went on: PostgreSQL has already discarded the
          // transaction, so report the error that did it instead of a silent ROLLBACK.
          rollback(*lease);
          if (auto e = session.aborted_by()) std::rethrow_exception(e);
          throw DatabaseError("postgres: transaction aborted by an earlier error");
        }
        commit(*lease);
        commits_.fetch_add(1, std::memory_order_relaxed);
        writes_.fetch_add(1, std::memory_order_relaxed);
        return;
      } catch (const RetryableError& e) {
        rollback(*lease);
        if (attempt >= kMaxRetries) throw;
        spdlog::debug("postgres: retrying write (attempt {}): {}", attempt + 2, e.what());
        backoff(attempt);
      } catch (...) {
        rollback(*lease);
        throw;
      }
    }
  }

  bool ping() override {
    try {
      Lease lease = checkout(kPingCheckoutTimeout);
      Result r(PQexec(lease->pg, "SELECT 1"));
      if (r && PQresultStatus(r.get()) == PGRES_TUPLES_OK) return true;
      if (PQstatus(lease->pg) == CONNECTION_OK) return false;
      reconnect(*lease);  // a stale connection (server restarted) is not an outage
      Result again(PQexec(lease->pg, "SELECT 1"));
      return again && PQresultStatus(again.get()) == PGRES_TUPLES_OK;
    } catch (...) {
      return false;
    }
  }

  Stats stats() override {
    Stats s;
    s.driver = "postgres";
    {
      std::lock_guard lk(mu_);
      s.pool_size = pool_size_;
      s.pool_in_use = in_use_;
    }
    s.commits = commits_.load(std::memory_order_relaxed);
    s.writes = writes_.load(std::memory_order_relaxed);
    return s;
  }

  void backup(const std::string&) override {
    throw DatabaseError("use pg_dump for PostgreSQL backups");
  }

  // Runs one statement with parameters on `c`, through its prepared-statement cache.
  Result run(Conn& c, std::string_view sql, const Params& params) {
    const std::shared_ptr<const Rewritten> rw = rewritten(sql);
    if (rw->nparams != params.size()) {
      throw DatabaseError("postgres: statement has " + std::to_string(rw->nparams) +
                          " placeholders but " + std::to_string(params.size()) +
                          " parameters were given: " + std::string(sql.substr(0, 200)));
    }
    const size_t n = params.size();
    std::vector<Oid> types(n, 0);
    std::vector<std::string> texts(n);
    std::vector<const char*> values(n, nullptr);
    // Statements are keyed by text and parameter types: `SELECT ?` prepared for an int8
    // must not be reused for a double.
    std::string key;
    key.reserve(sql.size() + n + 1);
    key.append(sql);
    key.push_back('\0');
    for (size_t i = 0; i < n; ++i) {
      const Value& v = params[i].value();
      if (auto p = std::get_if<int64_t>(&v)) {
        types[i] = kInt8Oid;
        texts[i] = std::to_string(*p);
        values[i] = texts[i].c_str();
        key.push_back('i');
      } else if (auto d = std::get_if<double>(&v)) {
        types[i] = kFloat8Oid;
        char buf[64];
        auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *d);
        texts[i] = ec == std::errc() ? std::string(buf, end) : std::to_string(*d);
        values[i] = texts[i].c_str();
        key.push_back('d');
      } else if (auto s = std::get_if<std::string>(&v)) {
        values[i] = s->c_str();  // unknown type: the server infers it from context
        key.push_back('u');
      } else {
        key.push_back('u');  // NULL, unknown type
      }
    }
    const int nparams = static_cast<int>(n);
    const Oid* type_ptr = n ? types.data() : nullptr;
    const char* const* value_ptr = n ? values.data() : nullptr;

    auto it = c.statements.find(key);
    if (it == c.statements.end() && c.statements.size() < kMaxPreparedPerConn) {
      std::string name = "kefu_" + std::to_string(++c.next_statement);
      Result prep(PQprepare(c.pg, name.c_str(), rw->sql.c_str(), nparams, type_ptr));
      check(prep, c.pg);
      it = c.statements.emplace(std::move(key), std::move(name)).first;
    }
    Result res;
    if (it != c.statements.end()) {
      res.reset(PQexecPrepared(c.pg, it->second.c_str(), nparams, value_ptr, nullptr, nullptr, 0));
      if (is_stale_plan(res)) {
        // A table changed shape under a cached `SELECT *`: forget the statement; the write
        // is retried and prepares it afresh.
        c.statements.erase(it);
        throw RetryableError("postgres: prepared statement went stale; retrying");
      }
    } else {
      res.reset(
          PQexecParams(c.pg, rw->sql.c_str(), nparams, type_ptr, value_ptr, nullptr, nullptr, 0));
    }
    check(res, c.pg);
    return res;
  }

  void release(std::unique_ptr<Conn> c) noexcept {
    bool healthy = c && c->pg && PQstatus(c->pg) == CONNECTION_OK;
    if (healthy && PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
      rollback(*c);
      healthy = PQstatus(c->pg) == CONNECTION_OK && PQtransactionStatus(c->pg) == PQTRANS_IDLE;
    }
    if (!healthy) c.reset();  // closed outside the lock; a fresh one is opened on demand
    {
      std::lock_guard lk(mu_);
      --in_use_;
      if (healthy) {
        idle_.push_back(std::move(c));
      } else {
        --open_;
      }
    }
    cv_.notify_one();
  }

 private:
  std::unique_ptr<Conn> connect() {
    // Keywords before dbname are defaults the URL may override; none come after it.
    const char* keys[] = {"fallback_application_name", "connect_timeout", "dbname", nullptr};
    const char* vals[] = {"kefu", "10", url_.c_str(), nullptr};
    auto c = std::make_unique<Conn>();
    c->pg = PQconnectdbParams(keys, vals, 1);
    if (!c->pg) throw DatabaseError("postgres: out of memory opening a connection");
    if (PQstatus(c->pg) != CONNECTION_OK) {
      throw DatabaseError("postgres: cannot connect: " + conn_error(c->pg));
    }
    setup(*c);
    return c;
  }

  Lease checkout(std::chrono::steady_clock::duration timeout) {
    std::unique_lock lk(mu_);
    if (!cv_.wait_for(lk, timeout, [&] { return !idle_.empty() || open_ < pool_size_; })) {
      throw DatabaseError("postgres: no free connection in the pool (" +
                          std::to_string(pool_size_) + " in use)");
    }
    ++in_use_;
    if (!idle_.empty()) {
      std::unique_ptr<Conn> c = std::move(idle_.back());
      idle_.pop_back();
      lk.unlock();
      if (PQstatus(c->pg) != CONNECTION_OK) {
        try {
          spdlog::warn("postgres: pooled connection broken, reconnecting");
          reconnect(*c);
        } catch (...) {
          release(nullptr);
          throw;
        }
      }
      return Lease(this, std::move(c));
    }
    ++open_;
    lk.unlock();
    try {
      return Lease(this, connect());
    } catch (...) {
      release(nullptr);
      throw;
    }
  }

  // BEGIN, reconnecting once if the connection turns out to be dead (e.g. the server was
  // restarted while it sat idle): nothing has happened in the transaction yet.
  void begin(Conn& c, const char* sql) {
    Result r(PQexec(c.pg, sql));
    if (r && PQresultStatus(r.get()) == PGRES_COMMAND_OK) return;
    if (PQstatus(c.pg) != CONNECTION_OK) {
      spdlog::warn("postgres: connection lost ({}), reconnecting", conn_error(c.pg));
      reconnect(c);
      r.reset(PQexec(c.pg, sql));
    }
    check(r, c.pg);
  }

  void commit(Conn& c) {
    Result r(PQexec(c.pg, "COMMIT"));
    check(r, c.pg);
    // COMMIT of a failed transaction "succeeds" with the tag ROLLBACK.
    if (std::strcmp(PQcmdStatus(r.get()), "COMMIT") != 0) {
      throw DatabaseError("postgres: transaction was rolled back");
    }
  }

  static void backoff(int attempt) {
    thread_local std::minstd_rand rng(std::random_device{}());
    const int base_ms = 2 << attempt;  // 2, 4, 8 ms plus jitter
    std::this_thread::sleep_for(
        std::chrono::milliseconds(base_ms + static_cast<int>(rng() % (base_ms + 1))));
  }

  std::shared_ptr<const Rewritten> rewritten(std::string_view sql) {
    {
      std::lock_guard lk(rewrite_mu_);
      auto it = rewrites_.find(std::string(sql));
      if (it != rewrites_.end()) return it->second;
    }
    auto rw = std::make_shared<const Rewritten>(rewrite_placeholders(sql));
    std::lock_guard lk(rewrite_mu_);
    if (rewrites_.size() >= kMaxRewriteCache) rewrites_.clear();
    rewrites_.emplace(std::string(sql), rw);
    return rw;
  }

  const std::string url_;
  const int pool_size_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Conn>> idle_;
  int open_ = 0;    // connections that exist (idle or leased)
  int in_use_ = 0;  // leases handed out (including ones still connecting)

  std::mutex rewrite_mu_;
  std::unordered_map<std::string, std::shared_ptr<const Rewritten>> rewrites_;

  std::atomic<int64_t> commits_{0};
  std::atomic<int64_t> writes_{0};
};

Lease::~Lease() {
  if (db_) db_->release(std::move(conn_));
}

Rows PgSession::query(std::string_view sql, const Params& params) {
  return guarded([&] {
    Result r = db_.run(conn_, sql, params);
    return to_rows(r.get());
  });
}

int64_t PgSession::exec(std::string_view sql, const Params& params) {
  return guarded([&] {
    Result r = db_.run(conn_, sql, params);
    const char* tuples = PQcmdTuples(r.get());
    int64_t count = 0;
    if (tuples && *tuples) std::from_chars(tuples, tuples + std::strlen(tuples), count);
    return count;
  });
}

void PgSession::exec_script(std::string_view sql) {
  guarded([&] {
    Result r(PQexec(conn_.pg, std::string(sql).c_str()));
    check(r, conn_.pg);
  });
}

}  // namespace

std::unique_ptr<Database> open_postgres(const std::string& url, const Options& options) {
  auto db = std::make_unique<PgDatabase>(url, options);
  db->warm_up();  // fail now on a bad URL or an unreachable server
  spdlog::info("postgres: connected, pool of {} connections", db->stats().pool_size);
  return db;
}

}  // namespace kefu::db
