#pragma once
#include "modules/customers/service.h"
#include "platform/http/router.h"

namespace kefu::customers {

void add_routes(http::Router& router, CustomerService& service);

}  // namespace kefu::customers
