#pragma once
#include "modules/tickets/service.h"
#include "platform/http/router.h"

namespace kefu::tickets {

void add_routes(http::Router& router, TicketService& service);

}  // namespace kefu::tickets
