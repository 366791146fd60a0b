#pragma once
#include "modules/customers/service.h"
#include "platform/http/router.h"

namespace kefu::customers {

void add_routes(http::Router& router, CustomerService& service);
// Classification rules, dry runs, recomputation and counts per unit (classes_routes.cpp).
void add_class_routes(http::Router& router, CustomerService& service);

}  // namespace kefu::customers
