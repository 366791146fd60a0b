#include "app/live_routes.h"

#include <boost/json.hpp>

namespace kefu {

events::LiveTopic ticket_topic(tickets::TicketService& tickets) {
  return {"ticket.", "ticket",
          [&tickets](const auth::Principal& who,
                     const events::StoredEvent& e) -> std::optional<std::string> {
            if (!tickets.visible_event(who, e.payload_json)) return std::nullopt;
            boost::system::error_code ec;
            auto v = boost::json::parse(e.payload_json, ec);
            if (ec || !v.is_object()) return std::nullopt;
            auto& o = v.as_object();
            o["type"] = e.type;
            o["event_id"] = e.id;
            o["at"] = e.at_ms;
            o["by_me"] = e.actor_id && *e.actor_id == who.user_id;
            return boost::json::serialize(o);
          }};
}

void add_live_routes(http::Router& router, events::LiveFeed& feed,
                     std::vector<events::LiveTopic> topics) {
  auto all = std::make_shared<const std::vector<events::LiveTopic>>(std::move(topics));
  router.add("GET", "/api/v1/events/stream",
             [&feed, all](http::Context& c) {
               auth::Principal who = c.user();
               auto stream = std::make_shared<http::EventStream>();
               std::weak_ptr<http::EventStream> weak = stream;
               feed.listen([weak, who, all](const events::StoredEvent& e) {
                 auto s = weak.lock();
                 if (!s || s->closed()) return false;
                 for (const auto& t : *all) {
                   if (e.type.rfind(t.prefix, 0) != 0) continue;
                   if (auto frame = t.render(who, e)) s->send(t.name, *frame);
                   break;
                 }
                 return true;
               });
               http::Response r;
               r.content_type = "text/event-stream";
               r.stream = stream;
               return r;
             });
}

}  // namespace kefu
