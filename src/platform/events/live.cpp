#include "platform/events/live.h"

#include <spdlog/spdlog.h>

#include "platform/core/thread_name.h"

namespace kefu::events {
namespace {
// PostgreSQL hands out ids at insert, not at commit: a row with a lower id can become
// visible after a higher one. Re-reading this many ids back catches those late rows.
constexpr int64_t kLookBack = 256;
}  // namespace

LiveFeed::LiveFeed(db::Database& db, int64_t poll_ms) : db_(db), poll_ms_(poll_ms) {}

LiveFeed::~LiveFeed() {
  stop();
}

void LiveFeed::start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] {
    core::name_this_thread("kefu-live");
    run();
  });
}

void LiveFeed::stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void LiveFeed::listen(Listener l) {
  std::lock_guard lock(mu_);
  listeners_.push_back(std::move(l));
}

size_t LiveFeed::listeners() const {
  std::lock_guard lock(mu_);
  return listeners_.size();
}

void LiveFeed::run() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, std::chrono::milliseconds(poll_ms_));
    if (stop_) break;
    lock.unlock();
    try {
      poll_once();
    } catch (const std::exception& e) {
      spdlog::warn("live feed: {}", e.what());
    }
    lock.lock();
  }
}

void LiveFeed::poll_once() {
  if (cursor_ < 0) {  // start from now: listeners want what happens from here on
    db_.read([&](db::Session& s) {
      cursor_ = s.query("SELECT COALESCE(MAX(id), 0) FROM events").at(0).i64(0);
    });
    return;
  }
  {
    std::lock_guard lock(mu_);
    if (listeners_.empty()) return;
  }
  std::vector<StoredEvent> fresh;
  db_.read([&](db::Session& s) {
    for (const auto& r :
         s.query("SELECT id, at, type, entity, entity_id, unit_id, actor_id, payload FROM events "
                 "WHERE id > ? ORDER BY id LIMIT 1000",
                 {cursor_ - kLookBack})) {
      int64_t id = r.i64(0);
      if (id <= cursor_ && recent_.count(id)) continue;
      if (id <= cursor_ - kLookBack) continue;
      StoredEvent e;
      e.id = id;
      e.at_ms = r.i64(1);
      e.type = r.str(2);
      e.entity = r.str(3);
      e.entity_id = r.str(4);
      e.unit_id = r.opt_i64(5);
      e.actor_id = r.opt_i64(6);
      e.payload_json = r.str(7);
      fresh.push_back(std::move(e));
    }
  });
  for (const auto& e : fresh) {
    recent_.insert(e.id);
    cursor_ = std::max(cursor_, e.id);
  }
  while (!recent_.empty() && *recent_.begin() <= cursor_ - kLookBack)
    recent_.erase(recent_.begin());
  if (fresh.empty()) return;
  std::vector<Listener> current;
  {
    std::lock_guard lock(mu_);
    current = listeners_;
  }
  std::vector<size_t> gone;
  for (size_t i = 0; i < current.size(); ++i) {
    bool alive = true;
    for (const auto& e : fresh) alive = alive && current[i](e);
    if (!alive) gone.push_back(i);
  }
  if (gone.empty()) return;
  std::lock_guard lock(mu_);
  // Listeners are only appended meanwhile, so the first current.size() are the same ones.
  for (auto it = gone.rbegin(); it != gone.rend(); ++it) listeners_.erase(listeners_.begin() + *it);
}

}  // namespace kefu::events
