#pragma once
#include "modules/calendar/service.h"
#include "platform/http/router.h"

namespace kefu::calendar {

void add_routes(http::Router& router, CalendarService& service);

}  // namespace kefu::calendar
