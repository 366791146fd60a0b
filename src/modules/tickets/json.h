#pragma once
// The tickets module's JSON shapes: API bodies, audit before/after and outbox payloads.
#include <string>

#include <boost/json.hpp>

#include "modules/tickets/service.h"

namespace kefu::tickets {

boost::json::object ticket_json(const TicketView& v);
boost::json::object detail_json(const TicketDetail& d);
boost::json::object category_json(const store::Category& c);
boost::json::object root_cause_json(const store::RootCause& r);
boost::json::object policy_json(const SlaPolicy& p);
boost::json::object sanction_json(const store::Sanction& x);
boost::json::object view_json(const ViewOut& v);
boost::json::object comment_json(const store::Comment& c);
boost::json::object attachment_json(const store::Attachment& a);
std::string audit_json(const Ticket& t);
std::string event_json(const Ticket& t);

}  // namespace kefu::tickets
