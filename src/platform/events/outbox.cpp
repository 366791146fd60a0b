#include "platform/events/outbox.h"

namespace kefu::events {

int64_t publish(db::Session& s, int64_t now_ms, const Event& e) {
  return s
      .insert_row(
          "INSERT INTO events (at, type, entity, entity_id, unit_id, actor_id, payload) "
          "VALUES (?, ?, ?, ?, ?, ?, ?)",
          {now_ms, e.type, e.entity, e.entity_id, e.unit_id, e.actor_id, e.payload_json})
      .value();
}

}  // namespace kefu::events
