#pragma once
#include <vector>

#include "modules/tickets/service.h"
#include "platform/events/live.h"
#include "platform/http/router.h"

namespace kefu {

// The tickets module's topic: ticket events the caller may see (assigned to them, or their
// unit's or their department's tickets), with the event's type, id and time.
events::LiveTopic ticket_topic(tickets::TicketService& tickets);

// GET /api/v1/events/stream: server-sent events for the console, from the live feed of the
// outbox: every registered topic on one stream per user, each module deciding what its
// listener may see (tickets assigned to me or changed in my scope, callbacks given to me or
// taken from me, deadlines near).
void add_live_routes(http::Router& router, events::LiveFeed& feed,
                     std::vector<events::LiveTopic> topics);

}  // namespace kefu
