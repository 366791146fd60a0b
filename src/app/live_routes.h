#pragma once
#include "modules/tickets/service.h"
#include "platform/events/live.h"
#include "platform/http/router.h"

namespace kefu {

// GET /api/v1/events/stream: server-sent events for the console (tickets assigned to me or
// changed in my scope, deadlines breached), from the live feed of the outbox.
void add_live_routes(http::Router& router, events::LiveFeed& feed, tickets::TicketService& tickets);

}  // namespace kefu
