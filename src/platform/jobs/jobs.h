#pragma once
// Durable jobs: work to do at a time given by the kefu Clock (a deadline's escalation, a
// callback reminder), kept in the `jobs` table and run exactly once across restarts and
// across several kefu processes on one database.
//
// A job is scheduled INSIDE the caller's write transaction (a ticket and its deadline job
// commit together). The Runner runs a job's handler INSIDE the write transaction that marks
// the job done: its database effects and the "done" mark commit together or not at all.
// Claims: PostgreSQL `FOR UPDATE SKIP LOCKED` (a second node skips rows the first holds);
// SQLite's single writer serialises. A crash before COMMIT leaves the job pending and its
// effects absent, so the job simply runs again. Effects outside the database (an SMS, an
// HTTP call) are not covered: such handlers must record an outbox row instead.
//
// One transaction per batch (RunnerOptions::batch_size jobs), each job in its own
// savepoint: a batch shares one commit (one fsync on SQLite), a throwing handler is rolled
// back alone. A handler that throws: its effects are undone, attempts + 1, last_error kept,
// run_at = now + min(2^attempts s, 1 h); after max_attempts the job is `failed`.
// A job whose effects break the transaction itself (a deferred constraint failing at
// COMMIT) takes its batch down; the runner then goes one job per transaction for a while,
// so that job is charged its attempt alone and the others run.
//
// A handler does all its database work through the Session it is given: calling
// Database::write from a handler would commit apart from the done mark (PostgreSQL) or wait
// on the writer thread it is running on (SQLite: a deadlock). The same holds for consumers.
// `locked_by` records the node that last ran a job; `locked_until` is reserved for leases
// (claims are row locks held by the running transaction, so none is needed today).
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "platform/core/clock.h"
#include "platform/db/database.h"
#include "platform/events/consumer.h"

namespace kefu::jobs {

struct JobSpec {
  std::string kind;       // "ticket.escalate", ...: selects the handler
  std::string key;        // unique within the kind: "ticket:42:level:1"
  int64_t run_at_ms = 0;  // due when the Clock reaches it
  std::string payload_json = "{}";
  int max_attempts = 5;
};

struct Job {
  int64_t id = 0;
  std::string kind;
  std::string key;
  int64_t run_at_ms = 0;
  std::string payload_json;
  int attempt = 1;  // this run: 1 the first time, 2 after one failure, ...
  int max_attempts = 5;
};

// Schedules `spec` in the caller's transaction. Idempotent per (kind, key): a pending job
// gets the new run_at, payload and max_attempts; a cancelled or failed one becomes pending
// again (attempts reset); a done job is left alone. A handler that schedules its own job
// with another run_at or payload re-arms it: the job stays pending instead of becoming
// done (one job can walk through a ticket's warning and escalation levels).
// Call Runner::wake() after the commit to run a job that is due at once.
void schedule(db::Session& s, int64_t now_ms, const JobSpec& spec);

// The id of the job (kind, key), if there is one.
std::optional<int64_t> job_id(db::Session& s, std::string_view kind, std::string_view key);

// Cancels a pending job; false if there is none (unknown, done, failed or cancelled).
bool cancel(db::Session& s, int64_t now_ms, std::string_view kind, std::string_view key);

using Handler = std::function<void(db::Session&, const Job&)>;

struct RunnerOptions {
  int64_t poll_ms = 500;                 // config jobs.poll_ms
  int batch_size = 16;                   // jobs per transaction (config jobs.batch_size)
  int consumer_batch_size = 1000;        // events per transaction (config events.batch_size)
  int64_t max_backoff_ms = 3600 * 1000;  // retry delay cap for a failed job
};

struct KindStats {
  int64_t done = 0;     // handler committed
  int64_t retried = 0;  // handler threw, will run again
  int64_t failed = 0;   // handler threw for the last allowed time
};

struct RunnerStats {
  std::map<std::string, KindStats> jobs;                   // by kind
  std::map<std::string, events::ConsumerStats> consumers;  // by consumer name
  int64_t errors = 0;  // polls that failed on the database (logged; retried next poll)
};

// Runs due jobs and drives outbox consumers from one background thread. Register every
// handler and consumer before start(). Several Runners (nodes) may share one database.
class Runner {
 public:
  Runner(db::Database& db, const Clock& clock, std::string node_id, RunnerOptions options = {});
  ~Runner();  // stop()
  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;

  // The handler for a kind. Jobs of kinds without a handler on this node are left alone.
  void on(std::string kind, Handler handler);
  // An outbox consumer (see platform/events/consumer.h), polled on every turn.
  void consume(std::string name, events::Consumer::Handler handler,
               events::Consumer::Wants wants = {});

  void start();
  // Stops polling; the batch in hand is finished (committed) first. Idempotent.
  void stop();
  // Polls now instead of at the next interval (after scheduling a due job, after a tester
  // moved the clock).
  void wake();
  // For tests and the test clock: runs every due job and drains every consumer on the
  // calling thread; returns how many job runs and event deliveries happened.
  size_t run_due_once();

  RunnerStats stats() const;
  const std::string& node_id() const { return node_id_; }

 private:
  size_t run_jobs_batch();
  size_t poll_consumers(bool* more);
  void loop();

  db::Database& db_;
  const Clock& clock_;
  const std::string node_id_;
  const RunnerOptions options_;
  std::map<std::string, Handler> handlers_;
  std::vector<std::unique_ptr<events::Consumer>> consumers_;

  mutable std::mutex stats_mu_;
  std::map<std::string, KindStats> kind_stats_;  // GUARDED_BY(stats_mu_)
  int64_t errors_ = 0;                           // GUARDED_BY(stats_mu_)
  std::atomic<int> isolate_left_{0};             // polls left that take one job per transaction

  std::mutex mu_;
  std::condition_variable cv_;
  bool started_ = false;   // GUARDED_BY(mu_)
  bool stopping_ = false;  // GUARDED_BY(mu_)
  bool woken_ = false;     // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace kefu::jobs
