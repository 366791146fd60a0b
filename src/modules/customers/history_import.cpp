// Importing history (purchases, deliveries, repairs, visits, ...) from a spreadsheet: the
// same wizard as the customers import (column mapping, a dry run reporting every bad row,
// all or nothing or only the good rows). Every event written is published on the outbox and
// moves its customer's classes, as an event recorded through the API does. A file of 100,000
// rows is checked with a few hundred batched lookups and written with multi-row INSERTs.
#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include <boost/json.hpp>

#include "modules/customers/import_columns.h"
#include "modules/customers/json.h"
#include "modules/customers/service.h"
#include "modules/customers/store.h"
#include "platform/audit/audit.h"
#include "platform/core/ids.h"
#include "platform/events/outbox.h"

namespace kefu::customers {
namespace {

constexpr int64_t kDayMs = 24 * 3600 * 1000LL;
constexpr size_t kChunk = 20000;  // events per round of INSERTs

const std::map<std::string, std::string>& event_columns() {
  static const std::map<std::string, std::string> m = {
      {"类型", "kind"},           {"事件类型", "kind"},         {"业务类型", "kind"},
      {"kind", "kind"},           {"type", "kind"},             {"时间", "time"},
      {"发生时间", "time"},       {"日期", "time"},             {"业务时间", "time"},
      {"time", "time"},           {"occurred_at", "time"},      {"date", "time"},
      {"客户编号", "customer_code"}, {"客户编码", "customer_code"}, {"客户代码", "customer_code"},
      {"customer_code", "customer_code"}, {"code", "customer_code"}, {"手机", "phone"},
      {"手机号", "phone"},        {"电话", "phone"},            {"联系电话", "phone"},
      {"phone", "phone"},         {"mobile", "phone"},          {"门店", "unit"},
      {"单元", "unit"},           {"单元编码", "unit"},         {"归属单元", "unit"},
      {"unit", "unit"},           {"unit_code", "unit"},        {"员工", "staff"},
      {"经办人", "staff"},        {"工作人员", "staff"},        {"销售顾问", "staff"},
      {"服务顾问", "staff"},      {"staff", "staff"},           {"username", "staff"},
      {"金额", "amount_yuan"},    {"金额(元)", "amount_yuan"},  {"金额（元）", "amount_yuan"},
      {"金额元", "amount_yuan"},  {"amount", "amount_yuan"},    {"amount_yuan", "amount_yuan"},
      {"yuan", "amount_yuan"},    {"金额(分)", "amount_fen"},   {"金额（分）", "amount_fen"},
      {"amount_fen", "amount_fen"}, {"fen", "amount_fen"},      {"车牌", "plate"},
      {"车牌号", "plate"},        {"plate", "plate"},           {"车架号", "vin"},
      {"VIN", "vin"},             {"vin", "vin"},               {"外部单号", "external_id"},
      {"单号", "external_id"},    {"外部编号", "external_id"},  {"external_id", "external_id"},
      {"备注", "note"},           {"note", "note"},             {"notes", "note"},
      {"属性", "attrs"},          {"attrs", "attrs"},           {"attributes", "attrs"},
  };
  return m;
}

using importing::upper;

// A row that passed every check, ready to write.
struct PlannedEvent {
  store::Event event;
  std::string asset_type;
  std::string unit_path;  // the customer's, for nothing but the report
};

}  // namespace

const std::vector<ImportField>& CustomerService::event_import_fields() {
  static const std::vector<ImportField> f = {
      {"kind", "类型", "Kind", true},
      {"time", "时间", "Time", true},
      {"customer_code", "客户编号", "Customer code", false},
      {"phone", "手机", "Phone", false},
      {"unit", "门店/单元", "Unit (code or name)", false},
      {"staff", "员工账号", "Staff (username)", false},
      {"amount_yuan", "金额(元)", "Amount (yuan)", false},
      {"amount_fen", "金额(分)", "Amount (fen)", false},
      {"plate", "车牌号", "Plate", false},
      {"vin", "车架号", "VIN", false},
      {"external_id", "外部单号", "External id", false},
      {"note", "备注", "Note", false},
      {"attrs", "属性(JSON)", "Attributes (JSON)", false},
  };
  return f;
}

ImportReport CustomerService::import_events(const auth::Principal& p, std::string_view bytes,
                                            const ImportOptions& options) {
  if (!p.can(org::perm::kCustomerWrite)) throw Error::forbidden();
  ImportReport report;
  auto problem = [&](size_t line, const std::string& column, const std::string& code,
                     const std::string& value) {
    importing::add_problem(report, line, column, code, value);
  };
  text::CsvResult csv = importing::read_rows(bytes, options.format);
  report.encoding = csv.encoding;
  importing::Columns cols = importing::map_columns(
      csv.rows.front().cells, options, event_import_fields(), event_columns(), report);
  if (!cols.has("kind")) {
    report.refused = "customer.import_no_kind_column";
    return report;
  }
  if (!cols.has("time")) {
    report.refused = "customer.import_no_time_column";
    return report;
  }
  if (!cols.has("customer_code") && !cols.has("phone")) {
    report.refused = "customer.import_no_customer_column";
    return report;
  }

  // Units and staff the caller may name, through the org service: units by code and by name
  // (a name two units share is ambiguous), staff by username.
  auto reader = org::OrgService::system_principal(p.username);
  reader.unit_path = p.unit_path;
  std::map<std::string, org::Unit> unit_by_code;
  std::map<std::string, std::vector<org::Unit>> unit_by_name;
  for (int64_t after = 0;;) {
    auto page =
        org_.list_units(reader, {std::nullopt, std::nullopt, std::nullopt, true, after, 200});
    for (auto& u : page.items) {
      unit_by_name[u.name].push_back(u);
      unit_by_code[u.code] = u;
    }
    if (!page.next_after) break;
    after = *page.next_after;
  }
  std::optional<org::Unit> default_unit;
  if (options.unit_id) {
    for (const auto& [code, u] : unit_by_code)
      if (u.id == *options.unit_id) default_unit = u;
    if (!default_unit) throw Error::validation({{"unit_id", "org.unit_unknown", {}}});
  }
  std::unordered_map<std::string, int64_t> staff;
  if (cols.has("staff")) {
    for (int64_t after = 0;;) {
      org::UserQuery q;
      q.after = after;
      q.limit = 200;
      auto page = org_.list_users(reader, q);
      for (auto& u : page.items) staff[u.username] = u.id;
      if (!page.next_after) break;
      after = *page.next_after;
    }
  }

  const int64_t now = clock_.now_ms();
  const auto& rows = csv.rows;
  std::vector<PlannedEvent> planned;
  planned.reserve(rows.size());
  std::set<int64_t> touched;
  db_.read([&](db::Session& s) {
    // Everything the file names, looked up for the whole file before the rows are checked.
    const importing::RowCustomers customers(s, rows, cols);
    std::vector<std::string> plates, vins, externals;
    {
      std::unordered_set<std::string> seen;
      auto add = [&](std::vector<std::string>& to, std::string v, char tag) {
        if (!v.empty() && seen.insert(tag + v).second) to.push_back(std::move(v));
      };
      for (size_t r = 1; r < rows.size(); ++r) {
        const auto& row = rows[r].cells;
        add(plates, upper(cols.cell(row, "plate")), 'l');
        add(vins, upper(cols.cell(row, "vin")), 'v');
        add(externals, cols.cell(row, "external_id"), 'e');
      }
    }
    std::unordered_multimap<std::string, store::VehicleRef> by_plate, by_vin;
    for (auto& v : store::vehicles_by_keys(s, store::VehicleKey::kPlate, plates))
      by_plate.emplace(v.key, v);
    for (auto& v : store::vehicles_by_keys(s, store::VehicleKey::kVin, vins))
      by_vin.emplace(v.key, v);
    auto recorded = store::external_ids_taken(s, externals);

    std::unordered_map<std::string, size_t> external_line;
    for (size_t r = 1; r < rows.size(); ++r) {
      const auto& row = rows[r].cells;
      const size_t line = rows[r].line;
      ++report.rows;
      const size_t before = report.problem_count;
      PlannedEvent plan;
      store::Event& e = plan.event;

      std::string kind = cols.cell(row, "kind");
      if (kind.empty())
        problem(line, cols.title("kind"), "field.required", "");
      else if (auto k = event_kind_of(kind))
        e.kind = *k;
      else
        problem(line, cols.title("kind"), "customer.import_kind_unknown", kind);

      std::string time = cols.cell(row, "time");
      if (time.empty()) {
        problem(line, cols.title("time"), "field.required", "");
      } else if (auto t = parse_local_time(time, zone_offset_minutes_)) {
        if (*t <= 0 || *t > now + kDayMs)
          problem(line, cols.title("time"), "customer.time_out_of_range", time);
        else
          e.occurred_at = *t;
      } else {
        problem(line, cols.title("time"), "customer.import_time_invalid", time);
      }

      // The customer: by code, else by phone; merged ones lead to their survivor.
      const store::CustomerRef* c = customers.find(p, row, line, report);
      if (c) {
        e.customer_id = c->id;
        e.unit_id = c->unit_id;
        plan.unit_path = c->unit_path;
      }

      // The unit: by code, else by a name only one unit has; else the default or the
      // customer's.
      std::string unit = cols.cell(row, "unit");
      if (!unit.empty()) {
        if (auto it = unit_by_code.find(unit); it != unit_by_code.end()) {
          e.unit_id = it->second.id;
        } else if (auto n = unit_by_name.find(unit); n != unit_by_name.end()) {
          if (n->second.size() == 1)
            e.unit_id = n->second.front().id;
          else
            problem(line, cols.title("unit"), "customer.import_unit_ambiguous", unit);
        } else {
          problem(line, cols.title("unit"), "org.unit_unknown", unit);
        }
      } else if (default_unit) {
        e.unit_id = default_unit->id;
      }

      std::string who = cols.cell(row, "staff");
      if (!who.empty()) {
        if (auto it = staff.find(who); it != staff.end())
          e.staff_id = it->second;
        else
          problem(line, cols.title("staff"), "customer.staff_unknown", who);
      }

      std::string yuan = cols.cell(row, "amount_yuan");
      std::string fen = cols.cell(row, "amount_fen");
      if (!yuan.empty() && !fen.empty()) {
        problem(line, cols.title("amount_fen"), "customer.import_two_amounts", fen);
      } else if (!yuan.empty()) {
        if (auto v = yuan_to_fen(yuan))
          e.amount_fen = *v;
        else
          problem(line, cols.title("amount_yuan"), "customer.import_amount_invalid", yuan);
      } else if (!fen.empty()) {
        if (auto v = parse_fen(fen))
          e.amount_fen = *v;
        else
          problem(line, cols.title("amount_fen"), "customer.import_amount_invalid", fen);
      }

      // The asset by plate, else VIN: it must be the customer's.
      std::string plate = upper(cols.cell(row, "plate"));
      std::string vin = upper(cols.cell(row, "vin"));
      if (!plate.empty() || !vin.empty()) {
        const char* field = plate.empty() ? "vin" : "plate";
        const std::string& key = plate.empty() ? vin : plate;
        auto& index = plate.empty() ? by_vin : by_plate;
        auto [from, to] = index.equal_range(key);
        if (from == to) {
          problem(line, cols.title(field), "customer.import_asset_unknown", key);
        } else if (c) {
          const store::VehicleRef* mine = nullptr;
          for (auto it = from; it != to; ++it)
            if (it->second.customer_id == c->id) mine = &it->second;
          if (!mine) {
            problem(line, cols.title(field), "customer.asset_not_owned", key);
          } else {
            e.asset_id = mine->asset_id;
            plan.asset_type = mine->type;
          }
        }
      }

      std::string external = cols.cell(row, "external_id");
      if (!external.empty()) {
        if (external.size() > 100)
          problem(line, cols.title("external_id"), "field.too_long", external);
        else if (auto seen = external_line.find(external); seen != external_line.end())
          problem(line, cols.title("external_id"), "customer.import_repeated",
                  std::to_string(seen->second));
        else if (recorded.count(external))
          problem(line, cols.title("external_id"), "customer.event_recorded", external);
        else
          e.external_id = external;
        external_line.emplace(external, line);
      }

      boost::json::object attrs;
      std::string raw = cols.cell(row, "attrs");
      if (!raw.empty()) {
        boost::system::error_code ec;
        auto v = boost::json::parse(raw, ec);
        if (ec || !v.is_object())
          problem(line, cols.title("attrs"), "customer.import_attrs_invalid", raw);
        else
          attrs = std::move(v.as_object());
      }
      if (std::string note = cols.cell(row, "note"); !note.empty()) attrs["note"] = note;
      e.attrs_json = boost::json::serialize(attrs);
      e.created_at = now;

      if (report.problem_count == before) {
        touched.insert(e.customer_id);
        planned.push_back(std::move(plan));
      } else {
        ++report.invalid;
      }
    }
  });
  if (!importing::to_write(report, planned.size(), options)) return report;
  csv = {};
  const std::string digest = sha256_hex(bytes);
  db_.write([&](db::Session& s) {
    // External ids taken since the check (a parallel import) refuse the file: the unique
    // index would, and a 409 says so.
    for (size_t from = 0; from < planned.size(); from += kChunk) {
      const size_t to = std::min(planned.size(), from + kChunk);
      auto ids = store::reserve_event_ids(s, to - from);
      std::vector<store::Event> events;
      std::vector<events::Event> outbox;
      events.reserve(to - from);
      outbox.reserve(to - from);
      for (size_t i = from; i < to; ++i) {
        store::Event& e = planned[i].event;
        e.id = ids[i - from];
        events.push_back(e);
        EventView v{e.id,       e.customer_id, e.kind,     e.occurred_at, e.unit_id,
                    e.staff_id, e.amount_fen,  e.asset_id, e.attrs_json,  e.external_id};
        auto body = event_json(v);
        body["asset_type"] = planned[i].asset_type;
        outbox.push_back({outbox_type(e.kind, planned[i].asset_type), "customer_event",
                          std::to_string(e.id), e.unit_id, p.actor_id(),
                          boost::json::serialize(body)});
      }
      store::insert_events_many(s, events);
      events::publish_many(s, now, outbox);
    }
    report.created = planned.size();
    // The customers' classes move with their history, as for events recorded one by one.
    reclassify_touched(s, touched, now);
    boost::json::object summary{{"rows", report.rows},
                                {"created", report.created},
                                {"skipped", report.invalid},
                                {"customers", touched.size()},
                                {"encoding", report.encoding},
                                {"sha256", digest}};
    audit::append(s, now,
                  {p.actor_id(), p.username, "customer.event.import", "customer_event_import",
                   digest.substr(0, 16), p.unit_path, "", boost::json::serialize(summary),
                   p.request_id});
  });
  report.committed = true;
  if (wake_jobs_) wake_jobs_();
  return report;
}

}  // namespace kefu::customers
