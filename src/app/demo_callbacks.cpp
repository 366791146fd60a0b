// Demo callbacks for `kefu init --demo`: the rules a car dealer and a retailer would set up,
// a month of deliveries, repairs, purchases and visits that fire them, and the agents working
// the tasks on the month's own clock — most answered, some after a second try, a few
// unreachable or refusing, some dissatisfied answers turned into tickets — so the workbench
// and the KPI dashboard show real-looking figures on first start. Deterministic.
#include <algorithm>
#include <iostream>
#include <random>

#include "app/demo.h"
#include "modules/calendar/model.h"

namespace kefu {
namespace {

constexpr int64_t kHour = 3600 * 1000LL;
constexpr int64_t kDay = 24 * kHour;
constexpr int kOffsetMinutes = 480;

rules::RuleInput rule(const char* code, const char* name, int64_t unit, const char* trigger,
                      rules::Span due, const char* questionnaire, int priority) {
  rules::RuleInput in;
  in.code = code;
  in.name = name;
  in.unit_id = unit;
  rules::Definition d;
  d.trigger.event = trigger;
  d.due = due;
  d.priority = priority;
  d.action = "callback";
  d.params_json = std::string(R"({"questionnaire":")") + questionnaire +
                  R"(","max_attempts":3,"retry_minutes":120,"assign":"balanced"})";
  in.def = d;
  return in;
}

// A daytime moment (10:00–17:00 Beijing time) on the local day of `ms`.
int64_t daytime(int64_t ms, std::mt19937& rng) {
  int64_t off = int64_t(kOffsetMinutes) * 60000;
  int64_t day0 = (ms + off) / kDay * kDay - off;
  return day0 + 10 * kHour + static_cast<int64_t>(rng() % (7 * 60)) * 60000;
}

// Plausible answers: mostly content, sometimes not; skip logic obeyed.
std::string answers_for(const surveys::Questionnaire& q, std::mt19937& rng, bool unhappy) {
  boost::json::object out;
  std::map<std::string, std::string> given;  // as skip logic reads them
  for (const auto& x : q.questions) {
    if (x.show_if) {
      auto it = given.find(x.show_if->question);
      if (it == given.end() ||
          std::find(x.show_if->any_of.begin(), x.show_if->any_of.end(), it->second) ==
              x.show_if->any_of.end())
        continue;
    }
    if (!x.required && rng() % 3 == 0) continue;
    if (x.type == "scale") {
      int span = x.scale_max - x.scale_min;
      int v = x.scale_max - static_cast<int>(rng() % std::max(1, span / 4 + 1));
      if (unhappy && x.dissatisfied_at_or_below && rng() % 3 == 0) v = *x.dissatisfied_at_or_below;
      v = std::clamp(v, x.scale_min, x.scale_max);
      out[x.code] = v;
      given[x.code] = std::to_string(v);
    } else if (x.type == "yes_no") {
      bool yes = !(unhappy && x.dissatisfied_when && !*x.dissatisfied_when && rng() % 2 == 0);
      if (x.role == "hotline_told") yes = rng() % 100 < 83;
      out[x.code] = yes;
      given[x.code] = yes ? "yes" : "no";
    } else if (x.type == "single" && !x.options.empty()) {
      const auto& o = x.options[unhappy && rng() % 2 ? rng() % x.options.size() : 0];
      out[x.code] = o.code;
      given[x.code] = o.code;
    } else if (x.type == "multi" && !x.options.empty()) {
      out[x.code] = boost::json::array{boost::json::string(x.options[0].code)};
    } else if (x.type == "text" && x.required) {
      out[x.code] = "客户表示希望尽快处理";
    }
  }
  return boost::json::serialize(out);
}

}  // namespace

void create_demo_callbacks(org::OrgService& org, customers::CustomerService& cs,
                           rules::RuleService& rs, callbacks::CallbackService& cb,
                           surveys::SurveyService& ss, jobs::Runner& runner, db::Database& db,
                           AdjustableClock& clock, int64_t now_ms) {
  auto sys = org::OrgService::system_principal("demo");
  int64_t root = org.list_units(sys, {}).items.front().id;
  std::vector<int64_t> rule_ids;
  for (auto in : {rule("car-delivery-24h", "新车交付24小时回访", root, "vehicle.delivered",
                       {"hours", 24}, "car_sales_ssi", 5),
                  rule("repair-3wd", "维修保养3个工作日内回访", root, "repair.closed",
                       {"working_days", 3}, "car_service_csi", 3),
                  rule("store-purchase-48h", "门店购物48小时回访", root, "sale.completed",
                       {"hours", 48}, "store_purchase", 2),
                  rule("visit-no-buy", "来店未购买客户回访", root,
                       "store.visit_without_purchase", {"hours", 72}, "store_purchase", 1)})
    rule_ids.push_back(rs.create(sys, in).id);

  // A month of events for the demo customers; the rules consumer turns them into tasks.
  std::mt19937 rng(20261126);
  clock.set(now_ms);
  auto page = cs.list(sys, {});
  std::vector<customers::CustomerView> people = page.items;
  while (page.next_after && people.size() < 400) {
    customers::CustomerQuery q;
    q.after = *page.next_after;
    page = cs.list(sys, q);
    people.insert(people.end(), page.items.begin(), page.items.end());
  }
  int made = 0;
  for (size_t i = 0; i < people.size() && made < 160; ++i) {
    const auto& c = cs.get(sys, people[i].customer.id);
    int64_t at = now_ms - static_cast<int64_t>(rng() % (30 * 24)) * kHour;
    customers::EventInput e;
    e.customer_id = c.customer.id;
    e.occurred_at = at;
    std::optional<int64_t> vehicle;
    for (const auto& a : c.assets)
      if (a.type == "vehicle") vehicle = a.id;
    if (vehicle) {
      e.kind = rng() % 2 ? "delivery" : "repair";
      e.asset_id = vehicle;
      e.amount_fen = e.kind == "delivery" ? 15980000 : 68000;
    } else {
      e.kind = rng() % 3 ? "purchase" : "visit_without_purchase";
      e.amount_fen = e.kind == "purchase" ? static_cast<int64_t>(20000 + rng() % 400000) : 0;
    }
    cs.record_event(sys, e);
    ++made;
  }
  // The month already happened: a back-fill acts on it (the live consumer would call these
  // events stale), and leaves its firing rows so the consumer never acts on them again.
  for (int64_t id : rule_ids) rs.backfill(sys, id, 31);
  (void)runner;

  // The agents work their queues through the month.
  callbacks::QueueQuery all;
  all.view = "all";
  all.limit = 200;
  std::vector<callbacks::TaskView> tasks;
  for (;; all.offset += all.limit) {
    auto got = cb.queue(sys, all).items;
    tasks.insert(tasks.end(), got.begin(), got.end());
    if (got.size() < static_cast<size_t>(all.limit)) break;
  }
  std::sort(tasks.begin(), tasks.end(),
            [](const auto& a, const auto& b) { return a.task.due_at < b.task.due_at; });
  int answered = 0, failed = 0, tickets = 0;
  for (const auto& t : tasks) {
    if (!t.task.assignee_id) continue;
    int64_t first_try = daytime(std::max(t.task.offer_at, t.task.due_at - 20 * kHour), rng);
    if (first_try > now_ms - kHour) continue;  // still ahead of the agents: left in the queue
    auto agent = org.principal_for(org.get_user(sys, *t.task.assignee_id));
    int roll = static_cast<int>(rng() % 100);
    try {
      callbacks::AttemptInput in;
      int64_t at = first_try;
      if (roll < 20) {  // not reached at first
        clock.set(at);
        in.outcome = callbacks::Outcome::kNoAnswer;
        in.note = "无人接听";
        cb.attempt(agent, t.task.id, in);
        at += 3 * kHour;
        if (roll < 5) {  // never reached
          for (int k = 0; k < 2; ++k, at += 3 * kHour) {
            clock.set(at);
            cb.attempt(agent, t.task.id, in);
          }
          ++failed;
          continue;
        }
      }
      if (roll >= 97) {
        clock.set(at);
        in.outcome = callbacks::Outcome::kRefused;
        in.note = "客户表示不需要回访";
        cb.attempt(agent, t.task.id, in);
        ++failed;
        continue;
      }
      std::optional<surveys::Questionnaire> q;
      db.read([&](db::Session& s) {
        q = ss.version(s, t.task.questionnaire_id, t.task.questionnaire_version);
      });
      if (!q) continue;
      clock.set(at);
      in.outcome = callbacks::Outcome::kAnswered;
      in.note = "";
      in.answers_json = answers_for(*q, rng, rng() % 100 < 6);
      auto done = cb.attempt(agent, t.task.id, in);
      ++answered;
      tickets += static_cast<int>(done.task.ticket_ids.size());
    } catch (const Error& e) {
      // A demo answer the questionnaire refuses, or quiet hours: that task stays open.
    }
  }
  clock.set(now_ms);
  std::cout << "Demo callbacks: " << tasks.size() << " tasks from " << made << " events, "
            << answered << " answered, " << failed << " unreachable or refused, " << tickets
            << " tickets from dissatisfied answers\n";
}

}  // namespace kefu
