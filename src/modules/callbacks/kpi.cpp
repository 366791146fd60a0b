// Callback KPIs, computed from the task records (DOMAIN §4, §11):
// - callback rate = tasks done ÷ tasks due in the period (cancelled ones left out);
// - first-call success = done at the first attempt ÷ done;
// - average attempts = attempts ÷ tasks attempted;
// - satisfaction per questionnaire channel = satisfied ÷ answered; the overall rate is the
//   mean of the channels' rates (seed 000), not a pooled rate;
// - 400 mention rate = told the hotline ÷ asked; first-time fix = fixed ÷ asked;
// - dissatisfied tickets closed in time = tickets opened from these callbacks and closed by
//   their resolution deadline ÷ those tickets.
// Rates are unrounded here; the JSON shows two decimals, half up; no data shows "—" (null).
#include <map>

#include "modules/calendar/model.h"
#include "modules/callbacks/service.h"

namespace kefu::callbacks {
namespace {

constexpr int64_t kDayMs = 86400000;

void add(store::Sums& a, const store::Sums& b) {
  a.due += b.due;
  a.done += b.done;
  a.failed += b.failed;
  a.first_call += b.first_call;
  a.attempts += b.attempts;
  a.attempted += b.attempted;
  a.answered += b.answered;
  a.satisfied += b.satisfied;
  a.hotline_asked += b.hotline_asked;
  a.hotline_told += b.hotline_told;
  a.fault_asked += b.fault_asked;
  a.fault_fixed += b.fault_fixed;
  a.dissatisfied_tasks += b.dissatisfied_tasks;
}

void rates(KpiRow& r) {
  const auto& s = r.sums;
  r.callback_rate = percent(s.done, s.due);
  r.first_call_rate = percent(s.first_call, s.done);
  if (s.attempted > 0) r.avg_attempts = static_cast<double>(s.attempts) / s.attempted;
  r.satisfaction_rate = percent(s.satisfied, s.answered);
  r.hotline_rate = percent(s.hotline_told, s.hotline_asked);
  r.first_fix_rate = percent(s.fault_fixed, s.fault_asked);
}

}  // namespace

Kpis CallbackService::kpis(const auth::Principal& p, const KpiQuery& q) {
  if (!p.can(org::perm::kCallbackRead)) throw Error::forbidden();
  auto from = calendar::parse_date(q.from);
  auto to = calendar::parse_date(q.to);
  std::vector<FieldError> errors;
  if (!from) errors.push_back({"from", "callbacks.date_format", {}});
  if (!to) errors.push_back({"to", "callbacks.date_format", {}});
  if (from && to && (*to < *from || *to - *from > 400))
    errors.push_back({"to", "callbacks.range", {}});
  if (q.group != "day" && q.group != "month" && q.group != "unit" && q.group != "agent")
    errors.push_back({"group", "callbacks.group_unknown", {}});
  if (!errors.empty()) throw Error::validation(errors);
  int64_t off = int64_t(settings_.offset_minutes) * 60000;
  int64_t from_ms = *from * kDayMs - off;
  int64_t to_ms = (*to + 1) * kDayMs - off;
  Kpis k;
  k.query = q;
  db_.read([&](db::Session& s) {
    std::string path = p.unit_path;
    if (q.unit_id) {
      auto u = org_.unit_in(s, *q.unit_id);
      if (!u || !p.in_scope(u->path)) throw Error::not_found("@entity.unit");
      path = u->path;
    }
    std::string sql_group = q.group == "month" ? "day" : q.group;
    std::map<std::string, KpiRow> rows;
    for (const auto& x : store::sums(s, path, from_ms, to_ms, sql_group, settings_.offset_minutes)) {
      std::string key = x.key, label = x.key;
      if (sql_group == "day") {
        int64_t day = std::stoll(x.key);
        std::string date = calendar::format_date(day);
        key = label = q.group == "month" ? date.substr(0, 7) : date;
      } else if (q.group == "unit") {
        if (auto u = org_.unit_in(s, std::stoll(x.key))) label = u->name;
      } else if (q.group == "agent") {
        int64_t id = std::stoll(x.key);
        label = "未分配";
        if (id)
          if (auto u = org_.user_in(s, id))
            label = u->display_name.empty() ? u->username : u->display_name;
      }
      auto& row = rows[key];
      row.key = key;
      row.label = label;
      add(row.sums, x);
      add(k.total.sums, x);
    }
    for (auto& [key, row] : rows) {
      rates(row);
      k.rows.push_back(row);
    }
    k.total.key = "total";
    rates(k.total);
    std::vector<std::optional<double>> channel_rates;
    for (const auto& x : store::by_q_channel(s, path, from_ms, to_ms)) {
      if (x.answered == 0) continue;
      auto rate = percent(x.satisfied, x.answered);
      k.channels.emplace_back(x.key, x.answered, x.satisfied, rate);
      channel_rates.push_back(rate);
    }
    k.overall_satisfaction = mean_of(channel_rates);
    for (int64_t tid : store::ticket_ids(s, path, from_ms, to_ms)) {
      auto t = tickets_.find_in(s, tid);
      if (!t) continue;
      ++k.tickets;
      if (t->state == tickets::State::kClosed) {
        ++k.tickets_closed;
        if (t->closed_at && (!t->resolve_due_at || *t->closed_at <= *t->resolve_due_at))
          ++k.tickets_closed_in_time;
      }
    }
    k.tickets_in_time_rate = percent(k.tickets_closed_in_time, k.tickets);
  });
  return k;
}

}  // namespace kefu::callbacks
