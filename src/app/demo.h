#pragma once
#include <string>

#include "platform/core/clock.h"

#include "modules/customers/service.h"
#include "modules/org/service.h"
#include "modules/surveys/service.h"
#include "modules/tickets/service.h"

namespace kefu {

// A demo company: regions, branches, stores and departments, and one user per role, all
// with `password`. Printed by `kefu init --demo` so people can sign in at once.
void create_demo_organisation(org::OrgService& org, const std::string& password);
// Customers with vehicles, deliveries, services and prospects across the demo stores.
void create_demo_customers(org::OrgService& org, customers::CustomerService& cs, int count,
                           int64_t now_ms);

// About `count` tickets over the last month at every stage of the loop, taken by the demo
// agents, handled by the departments, some with compensation, penalties and breaches.
// `clock` is moved through the month as the steps happen.
void create_demo_tickets(org::OrgService& org, customers::CustomerService& cs,
                         tickets::TicketService& ts, AdjustableClock& clock, int count,
                         int64_t now_ms);

// Half a year of SSI and CSI answers in the demo stores, and the SSI's benchmarks.
void create_demo_surveys(org::OrgService& org, surveys::SurveyService& svc, db::Database& db,
                         int64_t now_ms);

}  // namespace kefu
