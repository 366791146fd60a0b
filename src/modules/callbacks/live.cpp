// Callbacks on the live stream: what a user hears about callback tasks (a task given to
// them, one taken from them, one due soon, a survey answered by the customer; supervisors
// also every change in their scope), and the sweep that tells assignees a task is due soon.
#include <boost/json.hpp>

#include "modules/callbacks/json.h"
#include "modules/callbacks/service.h"
#include "platform/events/outbox.h"
#include "platform/jobs/jobs.h"

namespace kefu::callbacks {
namespace {

namespace json = boost::json;

std::optional<int64_t> int_of(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  if (v && v->is_int64()) return v->as_int64();
  return std::nullopt;
}

std::string text_of(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

constexpr int64_t kMinuteMs = 60 * 1000;
constexpr int64_t kSweepMs = 5 * kMinuteMs;  // how often the due-soon sweep runs
constexpr int kSweepBatch = 1000;            // notices per job; more: a follow-up job at once

jobs::JobSpec sweep_job(int64_t slot, int part, int64_t run_at) {
  std::string key = "sweep:" + std::to_string(slot) + (part ? ":" + std::to_string(part) : "");
  return {kDueSoonJob, key, run_at,
          json::serialize(json::object{{"slot", slot}, {"part", part}}), 3};
}

}  // namespace

events::LiveTopic CallbackService::live_topic() {
  return {"callback.", "callback",
          [this](const auth::Principal& who,
                 const events::StoredEvent& e) -> std::optional<std::string> {
            bool work = who.can(org::perm::kCallbackWork);
            bool supervise = who.can(org::perm::kCallbackSupervise);
            if (!work && !supervise) return std::nullopt;
            boost::system::error_code ec;
            auto v = json::parse(e.payload_json, ec);
            if (ec || !v.is_object()) return std::nullopt;
            auto& o = v.as_object();
            bool in_scope = false;
            if (supervise && e.unit_id)
              if (auto unit = org_.cached_unit(*e.unit_id)) in_scope = who.in_scope(unit->path);
            std::string channel = text_of(o, "channel");
            std::string reason = live_reason(
                {e.type, int_of(o, "assignee_id"), int_of(o, "from_assignee_id"), e.actor_id,
                 channel},
                who.user_id, in_scope);
            if (reason.empty()) return std::nullopt;
            // The task's fields, no customer data: the console reloads what it shows.
            json::object frame{{"type", e.type},
                               {"event_id", e.id},
                               {"at", e.at_ms},
                               {"reason", reason},
                               {"task_id", int_of(o, "id").value_or(0)},
                               {"by_me", e.actor_id && *e.actor_id == who.user_id}};
            for (const char* k : {"kind", "state", "unit_id", "assignee_id", "from_assignee_id",
                                  "due_at", "channel", "satisfied", "customer_id"})
              if (const auto* x = o.if_contains(k)) frame[k] = *x;
            return json::serialize(frame);
          }};
}

void CallbackService::ensure_due_sweep() {
  int64_t now = clock_.now_ms();
  int64_t slot = now / kSweepMs;
  // Every node schedules the same key: one job runs per slot. After the test clock moved back,
  // the slot of the new time is scheduled again (a done one stays done).
  db_.write([&](db::Session& s) { jobs::schedule(s, now, sweep_job(slot, 0, now)); });
}

std::string CallbackService::run_due_sweep(db::Session& s, const std::string& payload_json) {
  int64_t now = clock_.now_ms();
  int part = 0;
  boost::system::error_code ec;
  auto v = json::parse(payload_json, ec);
  if (!ec && v.is_object())
    if (auto p = int_of(v.as_object(), "part")) part = static_cast<int>(*p);
  int64_t lead = std::max<int64_t>(1, settings_.due_soon_minutes) * kMinuteMs;
  auto rows = store::due_soon(s, now, now + lead, kSweepBatch);
  for (const auto& r : rows) {
    if (!store::mark_warned(s, r.task.id, now)) continue;
    events::publish(s, now,
                    {"callback.due_soon", "callback_task", std::to_string(r.task.id),
                     r.task.unit_id, std::nullopt, json::serialize(task_json_min(r.task))});
  }
  int64_t slot = now / kSweepMs;
  if (rows.size() == static_cast<size_t>(kSweepBatch))
    jobs::schedule(s, now, sweep_job(slot, part + 1, now));  // more of them: go on at once
  jobs::schedule(s, now, sweep_job(slot + 1, 0, (slot + 1) * kSweepMs));
  return std::to_string(rows.size()) + " due soon";
}

}  // namespace kefu::callbacks
