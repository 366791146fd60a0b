#pragma once
#include <string>

#include "modules/customers/service.h"
#include "modules/org/service.h"

namespace kefu {

// A demo company: regions, branches, stores and departments, and one user per role, all
// with `password`. Printed by `kefu init --demo` so people can sign in at once.
void create_demo_organisation(org::OrgService& org, const std::string& password);
// Customers with vehicles, deliveries, services and prospects across the demo stores.
void create_demo_customers(org::OrgService& org, customers::CustomerService& cs, int count,
                           int64_t now_ms);

}  // namespace kefu
