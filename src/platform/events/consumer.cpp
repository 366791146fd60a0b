#include "platform/events/consumer.h"

#include <algorithm>
#include <exception>
#include <optional>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "platform/core/error_text.h"

namespace kefu::events {
namespace {

using db::Dialect;

int64_t backoff_ms(int64_t attempts, int64_t cap_ms) {
  if (attempts >= 40) return cap_ms;
  return std::min<int64_t>((int64_t{1} << attempts) * 1000, cap_ms);
}

// The next events after the cursor, below the horizon of running transactions on
// PostgreSQL (see consumer.h); in id order on SQLite, whose ids are commit-ordered.
constexpr const char* kNextPg =
    "SELECT id, at, type, entity, entity_id, unit_id, actor_id, payload, "
    "CAST(CAST(txid AS text) AS BIGINT) FROM events "
    "WHERE (txid, id) > (CAST(CAST(? AS text) AS xid8), ?) "
    "AND txid < pg_snapshot_xmin(pg_current_snapshot()) ORDER BY txid, id LIMIT ?";
constexpr const char* kNextSqlite =
    "SELECT id, at, type, entity, entity_id, unit_id, actor_id, payload, txid FROM events "
    "WHERE id > ? ORDER BY id LIMIT ?";

db::Params next_params(Dialect d, int64_t txid, int64_t id, int64_t limit) {
  if (d == Dialect::kPostgres) return {txid, id, limit};
  return {id, limit};
}

struct Cursor {
  int64_t txid = 0;
  int64_t id = 0;
  int64_t attempts = 0;
  int64_t retry_at = 0;
};

Cursor cursor_of(const db::Row& r) {
  return {r.i64(0), r.i64(1), r.i64(2), r.i64(3)};
}

}  // namespace

Consumer::Consumer(std::string name, Handler handler, ConsumerOptions options, Wants wants)
    : name_(std::move(name)),
      handler_(std::move(handler)),
      options_(options),
      wants_(std::move(wants)) {
  if (options_.batch_size < 1) options_.batch_size = 1;
}

size_t Consumer::poll(db::Database& db, const Clock& clock) {
  const int64_t now = clock.now_ms();
  const Dialect dialect = db.dialect();
  const char* next_sql = dialect == Dialect::kPostgres ? kNextPg : kNextSqlite;

  // A read first, so an idle consumer costs no write transaction (SQLite: no turn on the
  // writer thread).
  bool missing = false;
  bool due = db.reading([&](db::Session& s) {
    auto row = s.query_one(
        "SELECT last_txid, last_id, attempts, retry_at FROM outbox_cursors WHERE name = ?",
        {name_});
    if (!row) {
      missing = true;
      return true;
    }
    Cursor c = cursor_of(*row);
    if (c.retry_at > now) return false;
    return !s.query(next_sql, next_params(dialect, c.txid, c.id, 1)).empty();
  });
  if (!due) return 0;
  if (missing) {
    db.write([&](db::Session& s) {
      s.exec(
          "INSERT INTO outbox_cursors (name, last_txid, last_id, attempts, last_error, retry_at, "
          "updated_at) VALUES (?, 0, 0, 0, NULL, 0, ?) ON CONFLICT (name) DO NOTHING",
          {name_, now});
    });
  }

  // After a batch failed as a whole (at COMMIT, e.g. a deferred constraint), the next polls
  // take one event per transaction, so the event that breaks its transaction is charged
  // (attempts, backoff) instead of taking its batch down at every poll.
  const int batch = options_.batch_size;
  const int limit = isolate_left_.load() > 0 ? 1 : batch;
  if (limit == 1 && batch > 1) isolate_left_.fetch_sub(1);

  size_t delivered = 0;
  bool failed = false;
  // First without a savepoint per event (on SQLite a savepoint costs more than most
  // handlers, and its cost grows with the database); if a handler throws, the batch goes
  // back and runs again with one savepoint per event, so the events before the failing one
  // are delivered and it alone is charged. Handlers may thus run twice for an event whose
  // effects were rolled back, as they may on PostgreSQL after a serialization failure.
  bool careful = limit == 1;
  bool handler_threw = false;
  Cursor claimed;       // the cursor as locked
  int64_t in_hand = 0;  // the event being handled
  auto run = [&](db::Session& s) {
    delivered = 0;  // PostgreSQL may run this again after a serialization failure
    failed = false;
    in_hand = 0;
    // The cursor row is the lock: another node polling the same name skips it (PostgreSQL)
    // or waits its turn on the single writer (SQLite).
    auto row = s.query_one(dialect == Dialect::kPostgres
                               ? "SELECT last_txid, last_id, attempts, retry_at FROM "
                                 "outbox_cursors WHERE name = ? FOR UPDATE SKIP LOCKED"
                               : "SELECT last_txid, last_id, attempts, retry_at FROM "
                                 "outbox_cursors WHERE name = ?",
                           {name_});
    if (!row) return;
    Cursor c = cursor_of(*row);
    claimed = c;
    if (c.retry_at > now) return;
    db::Rows rows = s.query(next_sql, next_params(dialect, c.txid, c.id, limit));
    std::string error;
    for (const db::Row& r : rows) {
      StoredEvent e;
      e.id = r.i64(0);
      e.at_ms = r.i64(1);
      e.type = r.str(2);
      e.entity = r.str(3);
      e.entity_id = r.str(4);
      e.unit_id = r.opt_i64(5);
      e.actor_id = r.opt_i64(6);
      e.payload_json = r.str(7);
      bool wanted = true;
      try {
        wanted = !wants_ || wants_(s, e);
      } catch (...) {  // read-only: nothing to roll back; charged like a handler failure
        error = error_text(std::current_exception());
        spdlog::warn("events: consumer {} failed on event {} ({}): {}", name_, e.id, e.type, error);
        failed = true;
        break;
      }
      if (!wanted) {
        c.txid = r.i64(8);
        c.id = e.id;
        ++delivered;
        continue;
      }
      in_hand = e.id;
      if (!careful) {
        try {
          handler_(s, e);
        } catch (...) {
          handler_threw = true;
          throw;
        }
        c.txid = r.i64(8);
        c.id = e.id;
        ++delivered;
        continue;
      }
      s.exec("SAVEPOINT kefu_event");  // exec, not exec_script: prepared once, not per event
      try {
        handler_(s, e);
        s.exec("RELEASE SAVEPOINT kefu_event");
      } catch (...) {
        error = error_text(std::current_exception());
        s.exec_script("ROLLBACK TO SAVEPOINT kefu_event; RELEASE SAVEPOINT kefu_event");
        spdlog::warn("events: consumer {} failed on event {} ({}): {}", name_, e.id, e.type, error);
        failed = true;
        break;
      }
      c.txid = r.i64(8);
      c.id = e.id;
      ++delivered;
    }
    if (failed) {
      const int64_t attempts = (delivered > 0 ? 0 : c.attempts) + 1;
      s.exec(
          "UPDATE outbox_cursors SET last_txid = ?, last_id = ?, attempts = ?, last_error = ?, "
          "retry_at = ?, updated_at = ? WHERE name = ?",
          {c.txid, c.id, attempts, error, now + backoff_ms(attempts, options_.max_backoff_ms), now,
           name_});
    } else if (delivered > 0) {
      s.exec(
          "UPDATE outbox_cursors SET last_txid = ?, last_id = ?, attempts = 0, last_error = NULL, "
          "retry_at = 0, updated_at = ? WHERE name = ?",
          {c.txid, c.id, now, name_});
    }
  };
  try {
    try {
      db.write_repeatable(run);  // run starts from the cursor row each time
    } catch (...) {
      if (!handler_threw) throw;
      careful = true;
      db.write_repeatable(run);
    }
  } catch (...) {
    const std::string error = error_text(std::current_exception());
    if (limit > 1) {
      isolate_left_.store(batch);
      spdlog::warn("events: consumer {}: a batch of {} failed ({}); one event per transaction",
                   name_, limit, error);
      return poll(db, clock);
    }
    if (in_hand == 0) throw;  // the database failed; the caller logs it
    // This one event's transaction failed as a whole: the cursor stays, the failure is
    // recorded with its backoff (a no-op if the cursor moved meanwhile).
    const int64_t attempts = claimed.attempts + 1;
    db.write([&](db::Session& s) {
      s.exec(
          "UPDATE outbox_cursors SET attempts = ?, last_error = ?, retry_at = ?, updated_at = ? "
          "WHERE name = ? AND last_txid = ? AND last_id = ?",
          {attempts, error, now + backoff_ms(attempts, options_.max_backoff_ms), now, name_,
           claimed.txid, claimed.id});
    });
    spdlog::warn("events: consumer {} failed on event {}: {}", name_, in_hand, error);
    failures_.fetch_add(1);
    return 0;
  }
  delivered_.fetch_add(static_cast<int64_t>(delivered));
  if (failed) failures_.fetch_add(1);
  if (delivered > 0) spdlog::debug("events: consumer {} delivered {}", name_, delivered);
  return delivered;
}

}  // namespace kefu::events
