#include "app/live_routes.h"

#include <boost/json.hpp>

namespace kefu {

void add_live_routes(http::Router& router, events::LiveFeed& feed,
                     tickets::TicketService& tickets) {
  router.add("GET", "/api/v1/events/stream", [&feed, &tickets](http::Context& c) {
    auth::Principal who = c.user();
    auto stream = std::make_shared<http::EventStream>();
    std::weak_ptr<http::EventStream> weak = stream;
    feed.listen([weak, who, &tickets](const events::StoredEvent& e) {
      auto s = weak.lock();
      if (!s || s->closed()) return false;
      if (e.type.rfind("ticket.", 0) != 0 || !tickets.visible_event(who, e.payload_json))
        return true;
      boost::system::error_code ec;
      auto v = boost::json::parse(e.payload_json, ec);
      if (ec || !v.is_object()) return true;
      auto& o = v.as_object();
      o["type"] = e.type;
      o["event_id"] = e.id;
      o["at"] = e.at_ms;
      o["by_me"] = e.actor_id && *e.actor_id == who.user_id;
      s->send("ticket", boost::json::serialize(o));
      return true;
    });
    http::Response r;
    r.content_type = "text/event-stream";
    r.stream = stream;
    return r;
  });
}

}  // namespace kefu
