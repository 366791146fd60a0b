#include "platform/events/outbox.h"

#include "platform/db/values.h"

namespace kefu::events {

int64_t publish(db::Session& s, int64_t now_ms, const Event& e) {
  return s
      .insert_row(
          "INSERT INTO events (at, type, entity, entity_id, unit_id, actor_id, payload) "
          "VALUES (?, ?, ?, ?, ?, ?, ?)",
          {now_ms, e.type, e.entity, e.entity_id, e.unit_id, e.actor_id, e.payload_json})
      .value();
}

void publish_many(db::Session& s, int64_t now_ms, const std::vector<Event>& events) {
  constexpr size_t kBatch = 128;
  const std::string head =
      "INSERT INTO events (at, type, entity, entity_id, unit_id, actor_id, payload) VALUES ";
  const std::string group = "(?, ?, ?, ?, ?, ?, ?)";
  const std::string many = head + db::values_rows(kBatch, group);
  const std::string one = head + group;
  db::Params p;
  for (size_t i = 0; i < events.size();) {
    size_t n = events.size() - i >= kBatch ? kBatch : 1;
    p.clear();
    for (size_t k = i; k < i + n; ++k) {
      const Event& e = events[k];
      for (db::Param v : {db::Param(now_ms), db::Param(e.type), db::Param(e.entity),
                          db::Param(e.entity_id), db::Param(e.unit_id), db::Param(e.actor_id),
                          db::Param(e.payload_json)})
        p.push_back(std::move(v));
    }
    s.exec(n == kBatch ? many : one, p);
    i += n;
  }
}

}  // namespace kefu::events
