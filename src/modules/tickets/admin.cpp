// Categories, root causes, deadline policies and their presets; sanctions (penalties and
// rewards), the money and the complaint statistics by category.
#include <set>

#include <boost/json.hpp>

#include "modules/tickets/json.h"
#include "modules/tickets/service.h"
#include "platform/audit/audit.h"

namespace kefu::tickets {
namespace {

struct PresetCategory {
  const char* kind;
  const char* code;
  const char* name;
  std::vector<std::pair<const char*, const char*>> children;
  std::vector<std::string> industries = {};  // empty: every industry
};

const std::vector<std::string>& industries() {
  static const std::vector<std::string> v = {"general",  "car_dealer",  "retail", "call_center",
                                             "property", "online_shop", "telecom"};
  return v;
}

// Written for the industries of the seeds: a car dealer's showroom and workshop, a
// property manager's repairs, an online shop's after-sales, a travel call center's bookings.
const std::vector<PresetCategory>& preset_categories() {
  using C = std::vector<std::pair<const char*, const char*>>;
  const std::vector<std::string> goods = {"car_dealer", "retail", "online_shop"};
  const std::vector<std::string> shops = {"retail", "online_shop"};
  static const std::vector<PresetCategory> v = {
      {"complaint", "service", "服务态度",
       C{{"service-rude", "态度恶劣"},
         {"service-ignored", "无人接待"},
         {"service-promise", "承诺未兑现"}}},
      {"complaint", "quality", "产品质量",
       C{{"quality-defect", "质量缺陷"},
         {"quality-repeat", "重复维修"},
         {"quality-parts", "配件问题"}},
       goods},
      {"complaint", "delivery", "交付与物流",
       C{{"delivery-late", "延迟交付"},
         {"delivery-damaged", "包裹破损"},
         {"delivery-lost", "包裹丢失"}},
       goods},
      {"complaint", "price", "价格与费用",
       C{{"price-overcharge", "多收费用"},
         {"price-refund", "退款问题"},
         {"price-promo", "优惠未兑现"}}},
      {"complaint",
       "booking",
       "订单差错（六要素）",
       C{{"booking-name", "订错姓名"},
         {"booking-date", "订错日期及时间"},
         {"booking-route", "订错行程"},
         {"booking-id", "证件错误"},
         {"booking-class", "订错舱位"},
         {"booking-risk", "风险未提醒"}},
       {"call_center"}},
      {"complaint",
       "network",
       "网络与信号",
       C{{"network-weak", "信号弱"}, {"network-drop", "频繁掉线"}, {"network-slow", "网速慢"}},
       {"telecom"}},
      {"complaint",
       "billing",
       "计费争议",
       C{{"billing-unknown", "不明扣费"}, {"billing-package", "套餐变更未生效"}},
       {"telecom"}},
      {"repair", "civil", "土建", C{}, {"property"}},
      {"repair", "plumbing", "水暖", C{}, {"property"}},
      {"repair", "door", "入户门", C{}, {"property"}},
      {"repair", "garage", "车库门", C{}, {"property"}},
      {"repair", "intercom", "对讲系统", C{}, {"property"}},
      {"repair", "electric", "电气", C{}, {"property"}},
      {"repair", "lighting", "照明", C{}, {"property"}},
      {"repair", "skylight", "天窗", C{}, {"property"}},
      {"repair", "window", "门窗", C{}, {"property"}},
      {"repair", "leak", "渗漏", C{}, {"property"}},
      {"after_sales", "return", "退货", C{}, shops},
      {"after_sales", "exchange", "换货", C{}, shops},
      {"after_sales", "refund", "退款", C{}, shops},
      {"after_sales", "parcel-damaged", "包裹破损", C{}, shops},
      {"after_sales", "parcel-lost", "包裹丢失", C{}, shops},
      {"after_sales", "bad-review", "差评修复", C{}, shops},
      {"internal", "process", "流程问题", C{}},
      {"internal", "system", "系统问题", C{}},
      {"internal", "support", "部门协作", C{}},
  };
  return v;
}

const std::vector<std::pair<const char*, const char*>>& preset_root_causes() {
  static const std::vector<std::pair<const char*, const char*>> v = {
      {"staff-skill", "人员技能不足"}, {"staff-attitude", "服务态度"},
      {"process-gap", "流程缺陷"},     {"promise", "承诺未兑现"},
      {"product", "产品质量"},         {"supplier", "供应商/第三方"},
      {"system", "系统故障"},          {"information", "信息未告知/风险未提醒"},
      {"customer", "客户原因"},        {"other", "其他"},
  };
  return v;
}

}  // namespace

std::vector<int64_t> TicketService::repoint_customer(db::Session& s, int64_t from, int64_t into) {
  return store::repoint_customer(s, from, into);
}

void TicketService::unrepoint_customer(db::Session& s, const std::vector<int64_t>& ids,
                                       int64_t survivor, int64_t back_to) {
  store::unrepoint_customer(s, ids, survivor, back_to);
}

void TicketService::ensure_presets(const std::string& industry) {
  if (!one_of(industries(), industry))
    throw std::runtime_error(
        "company.industry must be one of general, car_dealer, retail, "
        "call_center, property, online_shop, telecom; got: " +
        industry);
  auto wanted = [&](const PresetCategory& pc) {
    return industry == "general" || pc.industries.empty() || one_of(pc.industries, industry);
  };
  int64_t now = clock_.now_ms();
  db_.write([&](db::Session& s) {
    if (store::root_causes(s).empty()) {
      int sort = 0;
      for (const auto& [code, name] : preset_root_causes()) {
        store::RootCause r{0, code, name, sort += 10, true};
        store::upsert_root_cause(s, r, now);
      }
    }
    if (store::categories(s, std::nullopt).empty()) {
      int sort = 0;
      for (const auto& pc : preset_categories()) {
        if (!wanted(pc)) continue;
        store::Category c{0, pc.kind, std::nullopt, "", pc.code, pc.name, sort += 10, true};
        store::insert_category(s, c, now);
        int child_sort = 0;
        for (const auto& [code, name] : pc.children) {
          store::Category ch{0, pc.kind, c.id, "", code, name, child_sort += 10, true};
          store::insert_category(s, ch, now);
        }
      }
    }
    if (store::policies(s).empty()) {
      // Seed 002: external requests within one working day, internal ones the same day;
      // seed 001: the department handles within three working days.
      std::vector<SlaPolicy> ps = {
          {0, "投诉：三个工作日内处理完毕", std::string("complaint"), std::nullopt, std::nullopt,
           std::nullopt, 120, 3 * 480, false, 80, true},
          {0, "升级投诉：一个工作日", std::string("complaint"), std::string("escalated"),
           std::nullopt, std::nullopt, 60, 480, false, 75, true},
          {0, "渠道投诉：一个工作日", std::string("complaint"), std::string("channel"),
           std::nullopt, std::nullopt, 60, 480, false, 75, true},
          {0, "重大投诉：半个工作日", std::string("complaint"), std::string("major"), std::nullopt,
           std::nullopt, 30, 240, false, 70, true},
          {0, "客户诉求：一个工作日", std::nullopt, std::nullopt, std::nullopt, std::nullopt, 240,
           480, false, 80, true},
          {0, "内部员工诉求：当日处理", std::string("internal"), std::nullopt, std::nullopt,
           std::nullopt, 60, 0, true, 80, true},
      };
      for (auto& p : ps) store::insert_policy(s, p, now);
    }
  });
}

std::vector<store::Category> TicketService::categories(const auth::Principal& p,
                                                       const std::optional<std::string>& kind) {
  require(p, perm::kRead);
  std::vector<store::Category> out;
  db_.read([&](db::Session& s) { out = store::categories(s, kind); });
  return out;
}

store::Category TicketService::save_category(const auth::Principal& p, store::Category c) {
  require(p, perm::kAdmin);
  std::vector<FieldError> e;
  if (c.id == 0 && !one_of(kinds(), c.kind)) e.push_back({"kind", "field.invalid", {}});
  if (c.name.empty()) e.push_back({"name", "field.required", {}});
  if (c.id == 0 && c.code.empty()) e.push_back({"code", "field.required", {}});
  if (!e.empty()) throw Error::validation(e);
  int64_t now = clock_.now_ms();
  db_.write([&](db::Session& s) {
    std::string before;
    if (c.id) {
      auto old = store::category(s, c.id);
      if (!old) throw Error::not_found("@entity.ticket_category");
      before = boost::json::serialize(category_json(*old));
      old->name = c.name;
      old->sort = c.sort;
      old->active = c.active;
      c = *old;
      store::update_category(s, c, now);
    } else {
      if (c.parent_id) {
        auto parent = store::category(s, *c.parent_id);
        if (!parent || parent->kind != c.kind)
          throw Error::validation({{"parent_id", "ticket.category_unknown", {}}});
      }
      for (const auto& x : store::categories(s, c.kind))
        if (x.code == c.code) throw Error::validation({{"code", "ticket.code_taken", {}}});
      store::insert_category(s, c, now);
    }
    audit::append(
        s, now,
        {p.actor_id(), p.username, "ticket.category.save", "ticket_category", std::to_string(c.id),
         "/", before, boost::json::serialize(category_json(c)), p.request_id});
  });
  return c;
}

std::vector<store::RootCause> TicketService::root_causes(const auth::Principal& p) {
  require(p, perm::kRead);
  std::vector<store::RootCause> out;
  db_.read([&](db::Session& s) { out = store::root_causes(s); });
  return out;
}

store::RootCause TicketService::save_root_cause(const auth::Principal& p, store::RootCause r) {
  require(p, perm::kAdmin);
  std::vector<FieldError> e;
  if (r.code.empty()) e.push_back({"code", "field.required", {}});
  if (r.name.empty()) e.push_back({"name", "field.required", {}});
  if (!e.empty()) throw Error::validation(e);
  int64_t now = clock_.now_ms();
  db_.write([&](db::Session& s) {
    store::upsert_root_cause(s, r, now);
    audit::append(
        s, now,
        {p.actor_id(), p.username, "ticket.root_cause.save", "ticket_root_cause",
         std::to_string(r.id), "/", "", boost::json::serialize(root_cause_json(r)), p.request_id});
  });
  return r;
}

std::vector<SlaPolicy> TicketService::policies(const auth::Principal& p) {
  require(p, perm::kRead);
  std::vector<SlaPolicy> out;
  db_.read([&](db::Session& s) { out = store::policies(s); });
  return out;
}

SlaPolicy TicketService::save_policy(const auth::Principal& p, SlaPolicy in) {
  require(p, perm::kAdmin);
  std::vector<FieldError> e;
  if (in.name.empty()) e.push_back({"name", "field.required", {}});
  if (in.kind && !one_of(kinds(), *in.kind)) e.push_back({"kind", "field.invalid", {}});
  if (in.severity && !one_of(severities(), *in.severity))
    e.push_back({"severity", "field.invalid", {}});
  if (in.channel && !one_of(channels(), *in.channel)) e.push_back({"channel", "field.invalid", {}});
  if (in.respond_minutes <= 0 || in.respond_minutes > 60 * 24 * 30)
    e.push_back({"respond_minutes", "ticket.minutes_range", {}});
  if (!in.same_day && (in.resolve_minutes <= 0 || in.resolve_minutes > 60 * 24 * 90))
    e.push_back({"resolve_minutes", "ticket.minutes_range", {}});
  if (in.warn_percent < 10 || in.warn_percent > 99)
    e.push_back({"warn_percent", "ticket.percent_range", {}});
  if (!e.empty()) throw Error::validation(e);
  int64_t now = clock_.now_ms();
  db_.write([&](db::Session& s) {
    if (in.category_id && !store::category(s, *in.category_id))
      throw Error::validation({{"category_id", "ticket.category_unknown", {}}});
    std::string before;
    if (in.id) {
      bool found = false;
      for (const auto& old : store::policies(s))
        if (old.id == in.id) {
          found = true;
          before = boost::json::serialize(policy_json(old));
        }
      if (!found) throw Error::not_found("@entity.sla_policy");
      store::update_policy(s, in, now);
    } else {
      store::insert_policy(s, in, now);
    }
    {
      std::lock_guard lock(policies_mu_);
      policies_at_ = -1;  // this node sees the change at once
    }
    audit::append(
        s, now,
        {p.actor_id(), p.username, "ticket.policy.save", "sla_policy", std::to_string(in.id), "/",
         before, boost::json::serialize(policy_json(in)), p.request_id});
  });
  return in;
}

store::Sanction TicketService::propose_sanction(const auth::Principal& p, int64_t ticket_id,
                                                const SanctionInput& in) {
  if (!p.can(perm::kApprove) && !p.can(perm::kManage)) throw Error::forbidden();
  std::vector<FieldError> e;
  if (in.kind != "penalty" && in.kind != "reward") e.push_back({"kind", "field.invalid", {}});
  if (in.amount_fen < 0 || in.amount_fen > 100000000)
    e.push_back({"amount_fen", "ticket.money_negative", {}});
  if (in.reason.empty()) e.push_back({"reason", "ticket.reason_required", {}});
  if (!in.user_id && !in.unit_id) e.push_back({"user_id", "ticket.sanction_target", {}});
  std::optional<org::User> user;
  std::optional<org::Unit> unit;
  auto sys = org::OrgService::system_principal("tickets");
  try {
    if (in.user_id) user = org_.get_user(sys, *in.user_id);
  } catch (const Error&) {
    e.push_back({"user_id", "ticket.assignee_unknown", {}});
  }
  try {
    if (in.unit_id)
      unit = org_.get_unit(sys, *in.unit_id);
    else if (user)
      unit = org_.get_unit(sys, user->unit_id);
  } catch (const Error&) {
    e.push_back({"unit_id", "ticket.unit_unknown", {}});
  }
  if (!e.empty()) throw Error::validation(e);
  int64_t now = clock_.now_ms();
  store::Sanction x;
  db_.write([&](db::Session& s) {
    Ticket t = scoped(s, p, ticket_id);
    if (!p.in_scope(unit->path)) throw Error::forbidden();
    x.ticket_id = t.id;
    x.ticket_number = t.number;
    x.kind = in.kind;
    x.user_id = user ? std::optional<int64_t>(user->id) : std::nullopt;
    if (user) x.user_name = user->display_name;
    x.unit_id = unit->id;
    x.unit_name = unit->name;
    x.unit_path = unit->path;
    x.amount_fen = in.amount_fen;
    x.reason = in.reason;
    x.month = month_in_china(now);
    x.state = "proposed";
    x.proposed_by = p.actor_id();
    x.created_at = now;
    store::insert_sanction(s, x);
    audit::append(s, now,
                  {p.actor_id(), p.username, "ticket.sanction.propose", "ticket_sanction",
                   std::to_string(x.id), x.unit_path, "", boost::json::serialize(sanction_json(x)),
                   p.request_id});
  });
  return x;
}

store::Sanction TicketService::decide_sanction(const auth::Principal& p, int64_t id, bool approve) {
  require(p, perm::kManage);
  int64_t now = clock_.now_ms();
  // The names first, outside the write (the audit record shows them before and after).
  std::vector<store::Sanction> named;
  db_.read([&](db::Session& s) {
    if (auto found = store::sanction(s, id)) named.push_back(*found);
  });
  name_sanctions(named);
  store::Sanction x;
  db_.write([&](db::Session& s) {
    auto found = store::sanction(s, id);
    if (!found || !p.in_scope(found->unit_path)) throw Error::not_found("@entity.ticket_sanction");
    if (found->state != "proposed") throw Error(ErrorKind::kConflict, "ticket.sanction_decided");
    if (!named.empty() && named[0].user_id == found->user_id &&
        named[0].unit_id == found->unit_id) {
      found->user_name = named[0].user_name;
      found->unit_name = named[0].unit_name;
    }
    std::string before = boost::json::serialize(sanction_json(*found));
    x = *found;
    x.state = approve ? "approved" : "refused";
    x.decided_by = p.actor_id();
    x.decided_at = now;
    store::decide_sanction(s, x);
    audit::append(s, now,
                  {p.actor_id(), p.username, "ticket.sanction.decide", "ticket_sanction",
                   std::to_string(x.id), x.unit_path, before,
                   boost::json::serialize(sanction_json(x)), p.request_id});
  });
  return x;
}

std::vector<store::Sanction> TicketService::sanctions(const auth::Principal& p,
                                                      const std::optional<std::string>& month,
                                                      const std::optional<int64_t>& user_id) {
  require(p, perm::kRead);
  if (!p.can(perm::kApprove) && !p.can(perm::kManage) && user_id != p.actor_id())
    throw Error::forbidden();  // staff see their own
  std::vector<store::Sanction> out;
  db_.read([&](db::Session& s) { out = store::sanctions(s, p.unit_path, month, user_id, {}); });
  name_sanctions(out);
  return out;
}

void TicketService::name_sanctions(std::vector<store::Sanction>& xs) {
  std::map<int64_t, std::string> users, units;  // each looked up once, outside any read
  for (auto& x : xs) {
    if (x.user_id) {
      auto it = users.find(*x.user_id);
      if (it == users.end()) it = users.emplace(*x.user_id, user_name(*x.user_id)).first;
      x.user_name = it->second;
    }
    auto it = units.find(x.unit_id);
    if (it == units.end()) it = units.emplace(x.unit_id, unit_name(x.unit_id)).first;
    x.unit_name = it->second;
  }
}

store::MoneyTotals TicketService::money(const auth::Principal& p, int64_t from_ms, int64_t to_ms) {
  require(p, perm::kRead);
  store::MoneyTotals m;
  db_.read([&](db::Session& s) { m = store::money_totals(s, p.unit_path, from_ms, to_ms); });
  return m;
}

CategoryStats TicketService::category_stats(const auth::Principal& p, const std::string& kind,
                                            int year) {
  require(p, perm::kRead);
  if (!one_of(kinds(), kind)) throw Error::validation({{"kind", "field.invalid", {}}});
  if (year < 2000 || year > 2100) throw Error::validation({{"year", "field.invalid", {}}});
  CategoryStats out;
  std::vector<int64_t> bounds;
  for (int m = 1; m <= 13; ++m) bounds.push_back(month_start_in_china(year, m));
  for (int m = 1; m <= 12; ++m) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04d-%02d", year, m);
    out.months.emplace_back(buf);
  }
  out.totals.assign(12, 0);
  db_.read([&](db::Session& s) {
    std::map<int64_t, std::string> names;
    for (const auto& c : store::categories(s, kind)) names[c.id] = c.name;
    for (auto& row : store::category_counts(s, p.unit_path, kind, bounds)) {
      CategoryStats::Row r;
      r.category_id = row.category_id;
      r.name = row.category_id ? names[*row.category_id] : "";
      r.counts = row.counts;
      for (size_t i = 0; i < r.counts.size(); ++i) {
        r.total += r.counts[i];
        out.totals[i] += r.counts[i];
      }
      out.rows.push_back(std::move(r));
    }
  });
  return out;
}

}  // namespace kefu::tickets
