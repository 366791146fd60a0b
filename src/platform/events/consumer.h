#pragma once
// Outbox consumers: every event published with events::publish is delivered exactly once
// per consumer name, to a handler that runs inside the same write transaction that moves
// the consumer's cursor (table outbox_cursors). The handler's effects and the cursor commit
// together or not at all, so a crash or a second node never delivers an event twice, and
// several nodes may poll the same consumer name (the cursor row is the lock).
//
// Order. SQLite has one writer, so ids are commit-ordered: events come in id order.
// PostgreSQL hands out ids before commit (a transaction holding id 10 may commit after one
// holding id 11), so each event also records its writer's transaction id (`events.txid`)
// and a consumer reads only events whose txid is below the oldest running transaction
// (`pg_snapshot_xmin(pg_current_snapshot())`), in (txid, id) order. Below that horizon
// nothing can appear any more, so the cursor (txid, id) never passes a late commit. The
// order is id order within one transaction, and an event written by a transaction that
// began after another committed comes after all of that one's events. The price: delivery
// waits for the longest transaction running on the server.
//
// A handler that throws: its effects are rolled back, the events before it in the batch
// stay delivered, and the same event is retried after a backoff (2^attempts s, capped by
// ConsumerOptions::max_backoff_ms), kept in the cursor row so every node honours it. A
// consumer never skips an event: a handler that always fails stops that consumer (and only
// it) until it is fixed; its cursor row shows attempts and last_error. An event whose handler
// breaks the whole transaction (a deferred constraint failing at COMMIT) is found by going
// one event per transaction for a while, and charged the same way.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "platform/core/clock.h"
#include "platform/db/database.h"
#include "platform/events/outbox.h"

namespace kefu::events {

// An event as stored: what was published, its id and the publisher's clock at the time.
struct StoredEvent : Event {
  int64_t id = 0;
  int64_t at_ms = 0;
};

struct ConsumerOptions {
  int batch_size = 100;                    // events per transaction
  int64_t max_backoff_ms = 5 * 60 * 1000;  // retry delay cap after a handler failure
};

struct ConsumerStats {
  int64_t delivered = 0;  // events whose handler committed
  int64_t failures = 0;   // handler failures (each one retried later)
};

class Consumer {
 public:
  using Handler = std::function<void(db::Session&, const StoredEvent&)>;
  // Whether the handler would act on this event at all: a read-only look, asked before the
  // event's savepoint. Events it does not want are passed over by the cursor without a
  // savepoint or a call (SQLite's savepoints cost in proportion to the database's size), so a
  // consumer that acts on few of many events costs little more than reading them.
  using Wants = std::function<bool(db::Session&, const StoredEvent&)>;

  // `name` identifies the cursor: a new name starts from the first event ever published.
  Consumer(std::string name, Handler handler, ConsumerOptions options = {}, Wants wants = {});

  const std::string& name() const { return name_; }

  // Delivers the next batch in one write transaction; returns how many events were
  // delivered (0: nothing new, backing off, or another node holds the cursor right now).
  // Database failures reach the caller; nothing is half-done.
  size_t poll(db::Database& db, const Clock& clock);

  ConsumerStats stats() const { return {delivered_.load(), failures_.load()}; }

 private:
  std::string name_;
  Handler handler_;
  ConsumerOptions options_;
  Wants wants_;
  std::atomic<int64_t> delivered_{0};
  std::atomic<int64_t> failures_{0};
  std::atomic<int> isolate_left_{0};  // polls left that take one event per transaction
};

}  // namespace kefu::events
