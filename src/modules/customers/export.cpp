// Exporting the caller's filtered customer list as CSV (UTF-8 with BOM, so Excel opens the
// Chinese correctly) or XLSX: the list's filters, scope and phone masking, Chinese headers.
#include <cstdio>
#include <map>

#include <boost/json.hpp>

#include "modules/customers/service.h"
#include "modules/customers/store.h"
#include "platform/audit/audit.h"
#include "platform/text/csv.h"
#include "platform/text/xlsx.h"

namespace kefu::customers {
namespace {

// The company's zone (Asia/Shanghai, UTC+8, no daylight saving).
constexpr int64_t kZoneOffsetMs = 8 * 3600 * 1000LL;

std::string local_time(int64_t ms, const char* fmt = "%04d-%02d-%02d %02d:%02d") {
  if (ms <= 0) return "";
  int64_t t = (ms + kZoneOffsetMs) / 1000;
  int64_t days = t / 86400, secs = t % 86400;
  // civil_from_days
  days += 719468;
  int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  auto doe = static_cast<unsigned>(days - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  unsigned d = doy - (153 * mp + 2) / 5 + 1;
  unsigned m = mp < 10 ? mp + 3 : mp - 9;
  auto y = static_cast<int>(static_cast<int64_t>(yoe) + era * 400 + (m <= 2));
  char buf[40];
  std::snprintf(buf, sizeof buf, fmt, y, static_cast<int>(m), static_cast<int>(d),
                static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60));
  return buf;
}

const std::vector<std::pair<std::string, double>>& columns() {
  // Titles the import recognises where there is one (姓名, 手机, 单元编码 ...), so that an
  // export can be edited and imported again.
  static const std::vector<std::pair<std::string, double>> c = {
      {"客户编号", 12}, {"姓名", 12},     {"类型", 6},        {"手机", 14},       {"其他电话", 18},
      {"性别", 6},      {"生日", 11},     {"邮箱", 22},       {"地址", 30},       {"来源", 8},
      {"单元编码", 10}, {"归属单元", 14}, {"负责人", 10},     {"标签", 16},       {"允许致电", 8},
      {"允许短信", 8},  {"允许邮件", 8},  {"免打扰时段", 12}, {"资料完整度", 10}, {"备注", 30},
      {"创建时间", 17}, {"更新时间", 17}};
  return c;
}

auth::Principal reader_for(const auth::Principal& p) {
  auto sys = org::OrgService::system_principal(p.username);
  sys.unit_path = p.unit_path;
  return sys;
}

}  // namespace

ExportFile CustomerService::export_list(const auth::Principal& p, const CustomerQuery& q,
                                        const std::string& format, size_t max_rows) {
  if (!p.can(org::perm::kCustomerRead)) throw Error::forbidden();
  if (format != "csv" && format != "xlsx")
    throw Error::validation({{"format", "field.invalid", {}}});
  store::Filter f;
  bool any = filter_of(p, q, f);

  // Names of units and owners, looked up before reading customers (never inside a read).
  std::map<int64_t, org::Unit> units;
  std::map<int64_t, std::string> owners;
  if (any) {
    auto reader = reader_for(p);
    for (int64_t after = 0;;) {
      auto page = org_.list_units(
          reader, {std::nullopt, std::nullopt, std::nullopt, std::nullopt, after, 200});
      for (auto& u : page.items) units[u.id] = u;
      if (!page.next_after) break;
      after = *page.next_after;
    }
    // Owners may be homed outside the caller's subtree (a head-office account manager).
    auto all = org::OrgService::system_principal(p.username);
    for (int64_t after = 0;;) {
      auto page = org_.list_users(
          all, {std::nullopt, std::nullopt, std::nullopt, std::nullopt, after, 200});
      for (auto& u : page.items)
        owners[u.id] = u.display_name.empty() ? u.username : u.display_name;
      if (!page.next_after) break;
      after = *page.next_after;
    }
  }

  ExportFile out;
  std::string csv;
  text::XlsxWriter xlsx("客户");
  std::vector<std::string> titles;
  std::vector<double> widths;
  for (const auto& [t, w] : columns()) {
    titles.push_back(t);
    widths.push_back(w);
  }
  if (format == "csv") {
    csv = "\xEF\xBB\xBF" + text::csv_row(titles);
  } else {
    xlsx.header(titles, widths);
  }

  auto emit = [&](const CustomerView& v) {
    const Customer& c = v.customer;
    std::string primary, others;
    for (const auto& ph : c.phones) {
      if (ph.primary && primary.empty())
        primary = ph.number;
      else
        others += (others.empty() ? "" : "、") + ph.number;
    }
    std::string tags;
    for (const auto& t : c.tags) tags += (tags.empty() ? "" : "、") + t;
    auto unit = units.find(c.unit_id);
    std::string owner;
    if (c.owner_id) {
      auto o = owners.find(*c.owner_id);
      owner = o != owners.end() ? o->second : std::to_string(*c.owner_id);
    }
    std::string gender = c.gender == "male" ? "男" : c.gender == "female" ? "女" : "未知";
    std::string quiet = c.quiet_start.empty() ? "" : c.quiet_start + "-" + c.quiet_end;
    std::vector<std::string> cells = {c.code,
                                      text::spreadsheet_text(c.name),
                                      c.kind == Kind::kPerson ? "个人" : "单位",
                                      primary,
                                      others,
                                      gender,
                                      c.birthday,
                                      text::spreadsheet_text(c.email),
                                      text::spreadsheet_text(c.address),
                                      source_label(c.source),
                                      unit != units.end() ? unit->second.code : "",
                                      unit != units.end() ? unit->second.name : "",
                                      owner,
                                      text::spreadsheet_text(tags),
                                      c.may_call ? "是" : "否",
                                      c.may_text ? "是" : "否",
                                      c.may_email ? "是" : "否",
                                      quiet,
                                      std::to_string(v.completeness.score),
                                      text::spreadsheet_text(c.notes),
                                      local_time(c.created_at),
                                      local_time(c.updated_at)};
    if (format == "csv") {
      csv += text::csv_row(cells);
    } else {
      std::vector<text::XlsxCell> row;
      for (size_t i = 0; i < cells.size(); ++i)
        row.push_back({std::move(cells[i]), i == 17});  // completeness as a number
      xlsx.row(row);
    }
  };

  if (any) {
    f.limit = 1000;
    f.before_id = 0;
    for (;;) {
      size_t got = 0;
      int64_t last = 0;
      db_.read([&](db::Session& s) {
        for (auto& c : store::list(s, f)) {
          ++got;
          last = c.id;
          if (++out.rows > max_rows) continue;
          emit(view(p, s, std::move(c), false));
        }
      });
      if (out.rows > max_rows)
        throw Error(ErrorKind::kUnprocessable, "customer.export_too_many",
                    {{"max", std::to_string(max_rows)}});
      if (got < static_cast<size_t>(f.limit)) break;
      f.before_id = last;
    }
  }

  int64_t now = clock_.now_ms();
  std::string stamp = local_time(now, "%04d%02d%02d-%02d%02d");
  out.filename = "客户导出-" + stamp + "." + format;
  if (format == "csv") {
    out.content_type = "text/csv; charset=utf-8";
    out.bytes = std::move(csv);
  } else {
    out.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    out.bytes = xlsx.finish();
  }
  // Who took which customers' personal data out of the system, with which filters.
  boost::json::object filters;
  if (q.q) filters["q"] = *q.q;
  if (q.unit_id) filters["unit_id"] = *q.unit_id;
  if (q.owner_id) filters["owner_id"] = *q.owner_id;
  if (q.kind) filters["kind"] = *q.kind;
  if (q.source) filters["source"] = *q.source;
  if (q.tag) filters["tag"] = *q.tag;
  if (q.incomplete) filters["incomplete"] = true;
  std::string body = boost::json::serialize(
      boost::json::object{{"format", format},
                          {"rows", out.rows},
                          {"filters", std::move(filters)},
                          {"phones_unmasked", p.can(org::perm::kCustomerPii)}});
  db_.write([&](db::Session& s) {
    audit::append(s, now,
                  {p.actor_id(), p.username, "customer.export", "customer_export", stamp,
                   p.unit_path, "", body, p.request_id});
  });
  return out;
}

}  // namespace kefu::customers
