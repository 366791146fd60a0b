#pragma once
// The transactional outbox: a service publishes domain events inside the same write
// transaction as the change, and consumers (rules, KPIs, live stream) read them later.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "platform/db/database.h"

namespace kefu::events {

struct Event {
  std::string type;  // "org.unit.created", "ticket.closed", ...
  std::string entity;
  std::string entity_id;
  std::optional<int64_t> unit_id;
  std::optional<int64_t> actor_id;
  std::string payload_json = "{}";
};

int64_t publish(db::Session& s, int64_t now_ms, const Event& e);
// Many events in multi-row INSERTs (an import), in order; their ids are not returned.
void publish_many(db::Session& s, int64_t now_ms, const std::vector<Event>& events);

}  // namespace kefu::events
