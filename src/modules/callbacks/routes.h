#pragma once
#include "modules/callbacks/service.h"
#include "platform/http/router.h"

namespace kefu::callbacks {

void add_routes(http::Router& router, CallbackService& service);

}  // namespace kefu::callbacks
