#include "platform/jobs/jobs.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <stdexcept>
#include <utility>

#include <spdlog/spdlog.h>

#include "platform/core/error_text.h"
#include "platform/core/thread_name.h"

namespace kefu::jobs {
namespace {

int64_t backoff_ms(int64_t attempts, int64_t cap_ms) {
  if (attempts >= 40) return cap_ms;
  return std::min<int64_t>((int64_t{1} << attempts) * 1000, cap_ms);
}

// Records a failed run of `job`: retried after a backoff, or `failed` after its last
// attempt. Returns true when it was the last. The guard (still pending, same attempts) makes
// it a no-op if the run did commit after all (a connection lost during COMMIT).
bool record_failure(db::Session& s, const Job& job, int64_t now, const std::string& error,
                    const std::string& node_id, int64_t max_backoff_ms) {
  const bool final = job.attempt >= job.max_attempts;
  s.exec(
      "UPDATE jobs SET state = ?, attempts = ?, last_error = ?, locked_by = ?, run_at = ?, "
      "updated_at = ? WHERE id = ? AND state = 'pending' AND attempts = ?",
      {final ? "failed" : "pending", job.attempt, error, node_id,
       final ? job.run_at_ms : now + backoff_ms(job.attempt, max_backoff_ms), now, job.id,
       job.attempt - 1});
  return final;
}

// "?, ?, ?" for the kinds this node handles.
std::string placeholders(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += i ? ", ?" : "?";
  return out;
}

}  // namespace

void schedule(db::Session& s, int64_t now_ms, const JobSpec& spec) {
  if (spec.kind.empty() || spec.key.empty()) {
    throw std::invalid_argument("jobs::schedule: kind and key are required");
  }
  // No RETURNING: on SQLite it costs more than the upsert itself (the rows are buffered in
  // a temporary table first).
  s.exec(
      "INSERT INTO jobs (kind, key, run_at, payload_json, state, attempts, max_attempts, "
      "last_error, locked_by, locked_until, created_at, updated_at, done_at) "
      "VALUES (?, ?, ?, ?, 'pending', 0, ?, NULL, NULL, NULL, ?, ?, NULL) "
      "ON CONFLICT (kind, key) DO UPDATE SET run_at = excluded.run_at, "
      "payload_json = excluded.payload_json, max_attempts = excluded.max_attempts, "
      "updated_at = excluded.updated_at, "
      "attempts = CASE WHEN jobs.state = 'pending' THEN jobs.attempts ELSE 0 END, "
      "last_error = CASE WHEN jobs.state = 'pending' THEN jobs.last_error ELSE NULL END, "
      "state = 'pending' "
      "WHERE jobs.state <> 'done'",
      {spec.kind, spec.key, spec.run_at_ms, spec.payload_json,
       static_cast<int64_t>(std::max(1, spec.max_attempts)), now_ms, now_ms});
}

std::optional<int64_t> job_id(db::Session& s, std::string_view kind, std::string_view key) {
  auto r = s.query_one("SELECT id FROM jobs WHERE kind = ? AND key = ?", {kind, key});
  if (!r) return std::nullopt;
  return r->i64(0);
}

bool cancel(db::Session& s, int64_t now_ms, std::string_view kind, std::string_view key) {
  return s.exec(
             "UPDATE jobs SET state = 'cancelled', updated_at = ? "
             "WHERE kind = ? AND key = ? AND state = 'pending'",
             {now_ms, kind, key}) > 0;
}

Runner::Runner(db::Database& db, const Clock& clock, std::string node_id, RunnerOptions options)
    : db_(db), clock_(clock), node_id_(std::move(node_id)), options_(options) {}

Runner::~Runner() {
  stop();
}

void Runner::on(std::string kind, Handler handler) {
  std::lock_guard lk(mu_);
  if (started_) throw std::logic_error("jobs::Runner::on after start()");
  handlers_[std::move(kind)] = std::move(handler);
}

void Runner::consume(std::string name, events::Consumer::Handler handler,
                     events::Consumer::Wants wants) {
  std::lock_guard lk(mu_);
  if (started_) throw std::logic_error("jobs::Runner::consume after start()");
  events::ConsumerOptions o;
  o.batch_size = options_.consumer_batch_size;
  consumers_.push_back(
      std::make_unique<events::Consumer>(std::move(name), std::move(handler), o, std::move(wants)));
}

void Runner::start() {
  std::lock_guard lk(mu_);
  if (started_) return;
  started_ = true;
  stopping_ = false;
  thread_ = std::thread([this] {
    core::name_this_thread("kefu-jobs");
    loop();
  });
  spdlog::info("jobs: runner {} started ({} kinds, {} consumers, poll {} ms)", node_id_,
               handlers_.size(), consumers_.size(), options_.poll_ms);
}

void Runner::stop() {
  std::thread t;
  {
    std::lock_guard lk(mu_);
    if (!thread_.joinable()) return;
    stopping_ = true;
    t = std::move(thread_);
  }
  cv_.notify_all();
  t.join();
  spdlog::info("jobs: runner {} stopped", node_id_);
}

void Runner::wake() {
  {
    std::lock_guard lk(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

size_t Runner::run_jobs_batch() {
  if (handlers_.empty()) return 0;
  const int64_t now = clock_.now_ms();
  const bool pg = db_.dialect() == db::Dialect::kPostgres;
  db::Params params{now};
  for (const auto& [kind, h] : handlers_) params.emplace_back(kind);
  // On SQLite `+kind` keeps the planner on jobs_due (pending by run_at): without statistics
  // it would pick the (kind, key) index and read every pending job of the kind per poll.
  const std::string where = std::string(" FROM jobs WHERE state = 'pending' AND run_at <= ? AND ") +
                            (pg ? "kind" : "+kind") + " IN (" + placeholders(handlers_.size()) +
                            ")";

  // A read first: an idle poll costs no write transaction (no turn on SQLite's writer).
  bool due = db_.reading([&](db::Session& s) {
    return s.query_one("SELECT 1" + where + " LIMIT 1", params).has_value();
  });
  if (!due) return 0;

  const std::string claim = "SELECT id, kind, key, run_at, payload_json, attempts, max_attempts" +
                            where + " ORDER BY run_at, id LIMIT ?" +
                            (pg ? " FOR UPDATE SKIP LOCKED" : "");
  // After a batch failed as a whole (at COMMIT, e.g. a deferred constraint, or in the
  // bookkeeping), the next polls take one job per transaction, so the job that breaks its
  // transaction is found and charged alone instead of taking its batch down forever.
  const int batch = std::max(1, options_.batch_size);
  const int limit = isolate_left_.load() > 0 ? 1 : batch;
  if (limit == 1 && batch > 1) isolate_left_.fetch_sub(1);
  db::Params claim_params = params;
  claim_params.emplace_back(static_cast<int64_t>(limit));

  struct Outcome {
    std::string kind;
    std::string key;
    int64_t id;
    int attempt;
    bool ok;
    bool final;
    std::string error;
  };
  std::vector<Outcome> outcomes;
  Job claimed;  // the last job taken in the transaction
  auto run = [&](db::Session& s) {
    outcomes.clear();  // PostgreSQL may run this again after a serialization failure
    claimed = Job{};
    claimed.id = 0;
    for (const db::Row& r : s.query(claim, claim_params)) {
      Job& job = claimed;
      job.id = r.i64(0);
      job.kind = r.str(1);
      job.key = r.str(2);
      job.run_at_ms = r.i64(3);
      job.payload_json = r.str(4);
      job.attempt = static_cast<int>(r.i64(5)) + 1;
      job.max_attempts = static_cast<int>(r.i64(6));
      const Handler& handler = handlers_.at(job.kind);
      s.exec_script("SAVEPOINT kefu_job");
      try {
        handler(s, job);
        // A handler that scheduled its own (kind, key) again re-armed the job: it stays
        // pending at its new time with a fresh count of attempts.
        if (s.exec("UPDATE jobs SET state = 'done', attempts = ?, last_error = NULL, "
                   "locked_by = ?, done_at = ?, updated_at = ? "
                   "WHERE id = ? AND run_at = ? AND payload_json = ?",
                   {job.attempt, node_id_, now, now, job.id, job.run_at_ms, job.payload_json}) ==
            0)
          s.exec("UPDATE jobs SET attempts = 0, last_error = NULL WHERE id = ?", {job.id});
        s.exec_script("RELEASE SAVEPOINT kefu_job");
        outcomes.push_back({job.kind, job.key, job.id, job.attempt, true, false, {}});
      } catch (...) {
        std::string error = error_text(std::current_exception());
        s.exec_script("ROLLBACK TO SAVEPOINT kefu_job; RELEASE SAVEPOINT kefu_job");
        const bool final = record_failure(s, job, now, error, node_id_, options_.max_backoff_ms);
        outcomes.push_back({job.kind, job.key, job.id, job.attempt, false, final, error});
      }
    }
  };
  try {
    db_.write(run);
  } catch (...) {
    const std::string error = error_text(std::current_exception());
    if (limit > 1) {
      isolate_left_.store(batch);
      spdlog::warn("jobs: a batch of {} failed ({}); running them one per transaction", limit,
                   error);
      return run_jobs_batch();
    }
    if (claimed.id == 0) throw;  // nothing claimed: the database failed; the caller logs it
    // This one job's transaction failed as a whole: charge it to the job (a failure to do
    // so reaches the caller: then the database itself is failing).
    bool final = false;
    db_.write([&](db::Session& s) {
      final = record_failure(s, claimed, now, error, node_id_, options_.max_backoff_ms);
    });
    outcomes.assign(
        1, Outcome{claimed.kind, claimed.key, claimed.id, claimed.attempt, false, final, error});
  }

  // Committed: count and log.
  std::lock_guard lk(stats_mu_);
  for (const Outcome& o : outcomes) {
    KindStats& k = kind_stats_[o.kind];
    if (o.ok) {
      ++k.done;
      spdlog::debug("jobs: done {} {} (#{}, attempt {})", o.kind, o.key, o.id, o.attempt);
    } else if (o.final) {
      ++k.failed;
      spdlog::error("jobs: failed {} {} (#{}) after {} attempts: {}", o.kind, o.key, o.id,
                    o.attempt, o.error);
    } else {
      ++k.retried;
      spdlog::warn("jobs: retry {} {} (#{}, attempt {}): {}", o.kind, o.key, o.id, o.attempt,
                   o.error);
    }
  }
  return outcomes.size();
}

size_t Runner::poll_consumers(bool* more) {
  size_t total = 0;
  for (auto& c : consumers_) {
    if (!more) {  // run_due_once: failures reach the caller
      total += c->poll(db_, clock_);
      continue;
    }
    try {  // the background loop: one consumer's database failure does not stop the others
      size_t n = c->poll(db_, clock_);
      if (n >= static_cast<size_t>(std::max(1, options_.consumer_batch_size))) *more = true;
      total += n;
    } catch (...) {
      std::lock_guard lk(stats_mu_);
      ++errors_;
      spdlog::error("events: consumer {} poll failed on {}: {}", c->name(), node_id_,
                    error_text(std::current_exception()));
    }
  }
  return total;
}

size_t Runner::run_due_once() {
  size_t total = 0;
  for (;;) {
    size_t n = 0;
    for (size_t batch; (batch = run_jobs_batch()) > 0;) n += batch;
    for (size_t d; (d = poll_consumers(nullptr)) > 0;) n += d;
    if (n == 0) return total;
    total += n;
  }
}

void Runner::loop() {
  for (;;) {
    bool more = false;
    try {
      more = run_jobs_batch() >= static_cast<size_t>(std::max(1, options_.batch_size));
    } catch (...) {  // the database failed (handlers' own exceptions never get here)
      std::lock_guard lk(stats_mu_);
      ++errors_;
      spdlog::error("jobs: poll failed on {}: {}", node_id_, error_text(std::current_exception()));
    }
    poll_consumers(&more);
    std::unique_lock lk(mu_);
    if (stopping_) return;
    if (!more) {
      cv_.wait_for(lk, std::chrono::milliseconds(std::max<int64_t>(1, options_.poll_ms)),
                   [this] { return stopping_ || woken_; });
      if (stopping_) return;
    }
    woken_ = false;
  }
}

RunnerStats Runner::stats() const {
  RunnerStats out;
  {
    std::lock_guard lk(stats_mu_);
    out.jobs = kind_stats_;
    out.errors = errors_;
  }
  for (const auto& c : consumers_) out.consumers[c->name()] = c->stats();
  return out;
}

}  // namespace kefu::jobs
