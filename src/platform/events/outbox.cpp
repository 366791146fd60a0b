#include "platform/events/outbox.h"

namespace kefu::events {

int64_t publish(db::Session& s, int64_t now_ms, const Event& e) {
  auto row = s.query_one(
      "INSERT INTO events (at, type, entity, entity_id, unit_id, actor_id, payload) "
      "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {now_ms, e.type, e.entity, e.entity_id, e.unit_id, e.actor_id, e.payload_json});
  return row->i64(0);
}

}  // namespace kefu::events
