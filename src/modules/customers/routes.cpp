// HTTP for the customer archive: parse, call the service, render.
#include "modules/customers/routes.h"

#include <cstdio>
#include <cstdlib>

#include "modules/customers/json.h"
#include "platform/core/json_input.h"
#include "platform/http/params.h"

namespace kefu::customers {
namespace {

using http::Context;
using http::Response;

// Every item keeps its place (a bad one as an empty number) so that the service's errors
// name the same index as the caller's list.
std::vector<Phone> read_phones(JsonInput& in) {
  std::vector<Phone> out;
  const auto* v = in.raw("phones");
  if (v && v->is_null()) {
    in.add_error("phones", "field.not_nullable");
    return out;
  }
  if (!v || !v->is_array()) {
    if (v) in.add_error("phones", "field.wrong_type", {{"expected", "array"}});
    return out;
  }
  const auto& arr = v->as_array();
  for (size_t i = 0; i < arr.size(); ++i) {
    std::string at = "phones[" + std::to_string(i) + "]";
    Phone p;
    if (!arr[i].is_object()) {
      in.add_error(at, "field.wrong_type", {{"expected", "object"}});
      out.push_back(p);
      continue;
    }
    JsonInput item(arr[i].as_object());
    p.number = item.text("number", {1, 30});
    p.label = item.optional_text("label", {0, 20}).value_or("");
    p.primary = item.optional_boolean("primary").value_or(false);
    try {
      item.finish();
    } catch (const Error& e) {
      for (auto f : e.fields()) in.add_error(at + "." + f.field, f.code, f.params);
    }
    out.push_back(p);
  }
  return out;
}

CustomerInput read_customer(JsonInput& in) {
  CustomerInput c;
  c.kind = in.optional_text("kind", {1, 20});
  c.name = in.optional_text("name", {0, 100});
  c.gender = in.optional_text("gender", {1, 10});
  c.birthday = in.optional_text("birthday", {0, 10});
  c.email = in.optional_text("email", {0, 254});
  c.address = in.optional_text("address", {0, 300});
  c.source = in.optional_text("source", {1, 20});
  c.unit_id = in.optional_integer("unit_id");
  c.owner_id = in.nullable_integer("owner_id");
  c.tags = in.optional_text_list("tags", {1, 60});
  c.may_call = in.optional_boolean("may_call");
  c.may_text = in.optional_boolean("may_text");
  c.may_email = in.optional_boolean("may_email");
  c.quiet_start = in.optional_text("quiet_start", {0, 5});
  c.quiet_end = in.optional_text("quiet_end", {0, 5});
  c.notes = in.optional_text("notes", {0, 2000});
  if (in.has("phones")) c.phones = read_phones(in);
  return c;
}

std::string attrs_text(JsonInput& in, const char* key, bool required) {
  const auto* v = in.raw(key);
  if (!v || v->is_null()) {
    if (required) in.add_error(key, "field.required");
    return "{}";
  }
  if (!v->is_object()) {
    in.add_error(key, "field.wrong_type", {{"expected", "object"}});
    return "{}";
  }
  return boost::json::serialize(*v);
}

EventInput read_event(JsonInput& in) {
  EventInput e;
  e.customer_id = in.optional_integer("customer_id");
  e.customer_code = in.optional_text("customer_code", {1, 20});
  e.kind = in.text("kind", {1, 40});
  e.occurred_at = in.integer("occurred_at");
  e.unit_id = in.optional_integer("unit_id");
  e.staff_id = in.optional_integer("staff_id");
  e.amount_fen = in.optional_integer("amount_fen").value_or(0);
  e.asset_id = in.optional_integer("asset_id");
  e.external_id = in.optional_text("external_id", {1, 100});
  e.attrs_json = attrs_text(in, "attrs", false);
  return e;
}

// The list's filters, from the query string (the list, the export) or a JSON object (bulk
// assignment).
CustomerQuery read_query(const http::Request& req) {
  CustomerQuery q;
  q.q = http::query_text(req, "q", 100);
  q.unit_id = http::query_int(req, "unit_id");
  q.owner_id = http::query_int(req, "owner_id");
  q.kind = http::query_text(req, "kind", 20);
  q.source = http::query_text(req, "source", 20);
  q.tag = http::query_text(req, "tag", 60);
  q.class_filter = http::query_text(req, "class", 90);
  q.incomplete = http::query_bool(req, "incomplete").value_or(false);
  return q;
}

CustomerQuery read_query(JsonInput& in) {
  CustomerQuery q;
  q.q = in.optional_text("q", {1, 100});
  q.unit_id = in.optional_integer("unit_id");
  q.owner_id = in.optional_integer("owner_id");
  q.kind = in.optional_text("kind", {1, 20});
  q.source = in.optional_text("source", {1, 20});
  q.tag = in.optional_text("tag", {1, 60});
  q.class_filter = in.optional_text("class", {1, 90});
  q.incomplete = in.optional_boolean("incomplete").value_or(false);
  return q;
}

// A list of positive ids; bad items are reported as key[i].
std::vector<int64_t> id_list(JsonInput& in, const char* key) {
  std::vector<int64_t> out;
  const auto* v = in.raw(key);
  if (!v || v->is_null()) return out;
  if (!v->is_array()) {
    in.add_error(key, "field.wrong_type", {{"expected", "array"}});
    return out;
  }
  const auto& arr = v->as_array();
  for (size_t i = 0; i < arr.size(); ++i) {
    if (arr[i].is_int64() && arr[i].as_int64() > 0)
      out.push_back(arr[i].as_int64());
    else
      in.add_error(std::string(key) + "[" + std::to_string(i) + "]", "field.wrong_type",
                   {{"expected", "integer"}});
  }
  return out;
}

// filename*=UTF-8''… (RFC 6266) with a plain ASCII fallback.
std::string attachment_header(const std::string& name, const std::string& ascii_name) {
  std::string encoded;
  for (unsigned char ch : name) {
    if (std::isalnum(ch) || ch == '.' || ch == '-' || ch == '_') {
      encoded += static_cast<char>(ch);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", ch);
      encoded += buf;
    }
  }
  return "attachment; filename=\"" + ascii_name + "\"; filename*=UTF-8''" + encoded;
}

// What an import request says: its options, and its file when it came as a resumable
// upload (?upload_id=; the body must then be empty) instead of as the body, whose
// Content-Type gives the format.
struct ImportRequest {
  ImportOptions options;
  std::optional<ImportFile> upload;
};

ImportRequest read_import(CustomerService& svc, Context& c) {
  ImportRequest in;
  ImportOptions& o = in.options;
  o.dry_run = http::query_bool(c.req, "dry_run").value_or(false);
  auto mode = http::query_text(c.req, "mode", 10).value_or("all");
  if (mode != "all" && mode != "valid")
    throw Error(ErrorKind::kBadRequest, "request.bad_parameter", {{"name", "mode"}});
  o.only_valid = mode == "valid";
  o.unit_id = http::query_int(c.req, "unit_id");
  auto format = http::query_text(c.req, "format", 10);
  if (format && *format != "csv" && *format != "xlsx")
    throw Error(ErrorKind::kBadRequest, "request.bad_parameter", {{"name", "format"}});
  if (auto m = http::query_text(c.req, "mapping", 20000)) {
    boost::system::error_code ec;
    auto v = boost::json::parse(*m, ec);
    if (ec || !v.is_object())
      throw Error(ErrorKind::kBadRequest, "request.bad_parameter", {{"name", "mapping"}});
    for (const auto& kv : v.as_object()) {
      if (kv.value().is_string())
        o.mapping[std::string(kv.key())] = std::string(kv.value().as_string());
      else if (kv.value().is_null())
        o.mapping[std::string(kv.key())] = "";
      else
        throw Error(ErrorKind::kBadRequest, "request.bad_parameter", {{"name", "mapping"}});
    }
  }
  if (auto id = http::query_text(c.req, "upload_id", 64)) {
    if (!c.req.body.empty())
      throw Error(ErrorKind::kBadRequest, "request.bad_parameter", {{"name", "upload_id"}});
    in.upload = svc.import_upload(c.user(), *id, format);
    o.format = in.upload->format;
    return in;
  }
  std::string type(c.req.header("content-type"));
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  for (auto& ch : type) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (type == "text/csv") {
    o.format = format.value_or("csv");
  } else if (type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet") {
    o.format = format.value_or("xlsx");
  } else if (type == "application/octet-stream" && format) {
    o.format = *format;
  } else {
    throw Error(ErrorKind::kUnsupportedMedia, "customer.import_format");
  }
  return in;
}

// The report (200 dry run, 201 committed), or the refusal carrying it (422).
Response import_response(const ImportReport& report, const ImportOptions& o, Context& c,
                         const std::vector<ImportField>& fields) {
  if (!report.refused.empty())
    throw Error(ErrorKind::kUnprocessable, report.refused)
        .with_extra("report", boost::json::serialize(import_report_json(report, c.lang, fields)));
  if (!o.dry_run && !report.committed) {
    throw Error(ErrorKind::kUnprocessable, "customer.import_has_errors",
                {{"count", std::to_string(report.invalid)}})
        .with_extra("report", boost::json::serialize(import_report_json(report, c.lang, fields)));
  }
  return Response::json(import_report_json(report, c.lang, fields), report.committed ? 201 : 200);
}

}  // namespace

void add_routes(http::Router& r, CustomerService& svc) {
  add_class_routes(r, svc);
  r.add("GET", "/api/v1/customers", [&svc](Context& c) {
    auto page = http::page_request(c.req);
    CustomerQuery q = read_query(c.req);
    q.after = page.after;
    q.limit = page.limit;
    auto result = svc.list(c.user(), q);
    boost::json::array items;
    for (const auto& v : result.items) items.push_back(customer_json(v, false));
    return Response::json(http::page_json(std::move(items), result.next_after));
  });

  r.add("POST", "/api/v1/customers", [&svc](Context& c) {
    auto body = parse_json_object(c.req.body);
    JsonInput in(body);
    CustomerInput ci = read_customer(in);
    in.add_errors(CustomerService::check(ci, true));
    in.finish();
    return Response::json(customer_json(svc.create(c.user(), ci), true), 201);
  });

  // The filtered list as a file: ?format=csv|xlsx plus the list's filters.
  r.add("GET", "/api/v1/customers/export", [&svc](Context& c) {
    auto format = http::query_text(c.req, "format", 10).value_or("xlsx");
    ExportFile f = svc.export_list(c.user(), read_query(c.req), format);
    Response resp = Response::text(std::move(f.bytes), f.content_type);
    resp.headers.emplace_back("Content-Disposition",
                              attachment_header(f.filename, "customers." + format));
    resp.headers.emplace_back("X-Export-Rows", std::to_string(f.rows));
    return resp;
  });

  // CSV or XLSX upload: ?dry_run=true reports every bad row and writes nothing; without it
  // all good rows are written, or (mode=all, the default) nothing when any row is bad.
  // ?mapping={"file column title": "field", ...} overrides the recognised columns. The file is
  // the body, or ?upload_id= names a resumable upload (/api/v1/uploads) of the caller's.
  r.add(
      "POST", "/api/v1/customers/import",
      [&svc](Context& c) {
        auto in = read_import(svc, c);
        std::string_view bytes = in.upload ? std::string_view(in.upload->bytes) : c.req.body;
        ImportReport report = svc.import_file(c.user(), bytes, in.options);
        return import_response(report, in.options, c, CustomerService::import_fields());
      },
      {.max_body_bytes = 256ull << 20, .body_type = "*/*"});

  // History from a CSV or XLSX file: the same parameters, dry run and modes as the customers
  // import.
  r.add(
      "POST", "/api/v1/customer-events/import",
      [&svc](Context& c) {
        auto in = read_import(svc, c);
        std::string_view bytes = in.upload ? std::string_view(in.upload->bytes) : c.req.body;
        ImportReport report = svc.import_events(c.user(), bytes, in.options);
        return import_response(report, in.options, c, CustomerService::event_import_fields());
      },
      {.max_body_bytes = 256ull << 20, .body_type = "*/*"});

  // Assets of one type (?type=<code>) from a CSV or XLSX file: the same parameters, dry run
  // and modes as the customers import; the columns are the type's fields.
  r.add(
      "POST", "/api/v1/customer-assets/import",
      [&svc](Context& c) {
        std::string type = http::query_text(c.req, "type", 64).value_or("");
        auto fields = svc.asset_import_fields(c.user(), type);
        auto in = read_import(svc, c);
        std::string_view bytes = in.upload ? std::string_view(in.upload->bytes) : c.req.body;
        ImportReport report = svc.import_assets(c.user(), bytes, in.options, type);
        return import_response(report, in.options, c, fields);
      },
      {.max_body_bytes = 256ull << 20, .body_type = "*/*"});

  // Bulk assignment: {customer_ids | filter, mode: balanced|to, agent_id?, agent_ids?, weights?}
  r.add("POST", "/api/v1/customers/assign", [&svc](Context& c) {
    auto body = parse_json_object(c.req.body);
    JsonInput in(body);
    AssignRequest a;
    a.customer_ids = id_list(in, "customer_ids");
    if (const auto* f = in.raw("filter"); f && !f->is_null()) {
      if (!f->is_object()) {
        in.add_error("filter", "field.wrong_type", {{"expected", "object"}});
      } else {
        JsonInput fi(f->as_object());
        a.filter = read_query(fi);
        try {
          fi.finish();
        } catch (const Error& e) {
          for (const auto& fe : e.fields()) in.add_error("filter." + fe.field, fe.code, fe.params);
        }
      }
    }
    a.mode = in.text("mode", {1, 20});
    a.agent_id = in.optional_integer("agent_id");
    a.agent_ids = id_list(in, "agent_ids");
    if (const auto* w = in.raw("weights"); w && !w->is_null()) {
      if (!w->is_object()) {
        in.add_error("weights", "field.wrong_type", {{"expected", "object"}});
      } else {
        for (const auto& kv : w->as_object()) {
          std::string key(kv.key());
          char* end = nullptr;
          long long id = std::strtoll(key.c_str(), &end, 10);
          if (key.empty() || *end || id <= 0 || !(kv.value().is_number())) {
            in.add_error("weights." + key, "field.invalid");
            continue;
          }
          a.weights[id] = kv.value().to_number<double>();
        }
      }
    }
    in.finish();
    AssignResult result = svc.assign(c.user(), a);
    boost::json::array items, agents;
    for (const auto& i : result.items)
      items.push_back(boost::json::object{
          {"customer_id", i.customer_id},
          {"from", i.from ? boost::json::value(*i.from) : boost::json::value(nullptr)},
          {"to", i.to}});
    for (const auto& g : result.agents)
      agents.push_back(boost::json::object{{"id", g.id},
                                           {"load_before", g.load_before},
                                           {"assigned", g.assigned},
                                           {"weight", g.weight}});
    return Response::json(boost::json::object{{"assigned", result.items.size()},
                                              {"items", std::move(items)},
                                              {"agents", std::move(agents)}});
  });

  r.add("GET", "/api/v1/customers/duplicates", [&svc](Context& c) {
    boost::json::array items;
    for (const auto& g : svc.duplicates(c.user())) {
      boost::json::array ids;
      for (auto id : g.customer_ids) ids.emplace_back(id);
      items.push_back(boost::json::object{
          {"reason", g.reason}, {"value", g.value}, {"customer_ids", std::move(ids)}});
    }
    return Response::json(http::page_json(std::move(items), std::nullopt));
  });

  r.add("GET", "/api/v1/customers/{id}", [&svc](Context& c) {
    return Response::json(
        customer_json(svc.get(c.user(), c.id_param("id", "@entity.customer")), true));
  });

  r.add("POST", "/api/v1/customers/{id}/merge", [&svc](Context& c) {
    int64_t id = c.id_param("id", "@entity.customer");
    auto body = parse_json_object(c.req.body);
    JsonInput in(body);
    int64_t into = in.integer("into_id");
    in.finish();
    return Response::json(customer_json(svc.merge(c.user(), id, into), true));
  });

  r.add("POST", "/api/v1/customers/{id}/unmerge", [&svc](Context& c) {
    int64_t id = c.id_param("id", "@entity.customer");
    if (!c.req.body.empty()) {
      auto body = parse_json_object(c.req.body);
      JsonInput in(body);
      in.finish();
    }
    return Response::json(customer_json(svc.unmerge(c.user(), id), true));
  });

  r.add("PATCH", "/api/v1/customers/{id}", [&svc](Context& c) {
    int64_t id = c.id_param("id", "@entity.customer");
    auto body = parse_json_object(c.req.body);
    JsonInput in(body);
    CustomerInput ci = read_customer(in);
    in.add_errors(CustomerService::check(ci, false));
    in.finish();
    return Response::json(customer_json(svc.update(c.user(), id, ci), true));
  });

  r.add("POST", "/api/v1/customers/{id}/assets", [&svc](Context& c) {
    int64_t id = c.id_param("id", "@entity.customer");
    auto body = parse_json_object(c.req.body);
    JsonInput in(body);
    std::string type = in.text("type", {1, 32});
    std::string attrs = attrs_text(in, "attrs", true);
    in.finish();
    return Response::json(asset_json(svc.add_asset(c.user(), id, type, attrs)), 201);
  });

  r.add("PATCH", "/api/v1/customers/{id}/assets/{asset_id}", [&svc](Context& c) {
    int64_t id = c.id_param("id", "@entity.customer");
    int64_t asset_id = c.id_param("asset_id", "@entity.asset");
    auto body = parse_json_object(c.req.body);
    JsonInput in(body);
    std::string attrs = attrs_text(in, "attrs", true);
    in.finish();
    return Response::json(asset_json(svc.update_asset(c.user(), id, asset_id, attrs)));
  });

  r.add("GET", "/api/v1/customers/{id}/events", [&svc](Context& c) {
    int64_t id = c.id_param("id", "@entity.customer");
    auto page = http::page_request(c.req);
    auto result = svc.events(c.user(), id, page.after, page.limit);
    boost::json::array items;
    for (const auto& e : result.items) items.push_back(event_json(e));
    return Response::json(http::page_json(std::move(items), result.next_after));
  });

  r.add("POST", "/api/v1/customers/{id}/events", [&svc](Context& c) {
    int64_t id = c.id_param("id", "@entity.customer");
    auto body = parse_json_object(c.req.body);
    JsonInput in(body);
    EventInput e = read_event(in);
    in.finish();
    if (e.customer_id && *e.customer_id != id)
      throw Error::validation({{"customer_id", "field.invalid", {}}});
    e.customer_id = id;
    return Response::json(event_json(svc.record_event(c.user(), e)), 201);
  });

  r.add("POST", "/api/v1/customer-events/batch", [&svc](Context& c) {
    auto body = parse_json_object(c.req.body);
    JsonInput in(body);
    std::vector<EventInput> events;
    const auto* list = in.raw("events");
    if (!list || !list->is_array()) {
      in.add_error("events", !list ? "field.required" : "field.wrong_type",
                   {{"expected", "array"}});
    } else {
      const auto& arr = list->as_array();
      for (size_t i = 0; i < arr.size(); ++i) {
        std::string at = "events[" + std::to_string(i) + "]";
        if (!arr[i].is_object()) {
          in.add_error(at, "field.wrong_type", {{"expected", "object"}});
          continue;
        }
        JsonInput item(arr[i].as_object());
        EventInput e = read_event(item);
        try {
          item.finish();
          events.push_back(std::move(e));
        } catch (const Error& err) {
          for (const auto& f : err.fields()) in.add_error(at + "." + f.field, f.code, f.params);
        }
      }
    }
    in.finish();
    BatchResult result = svc.record_events(c.user(), events);
    boost::json::array ids;
    for (auto id : result.created)
      ids.emplace_back(id ? boost::json::value(id) : boost::json::value(nullptr));
    return Response::json(
        boost::json::object{{"created", std::move(ids)}, {"skipped", result.skipped}}, 201);
  });

  r.add("GET", "/api/v1/asset-types", [&svc](Context& c) {
    boost::json::array items;
    for (const auto& t : svc.asset_types(c.user())) items.push_back(asset_type_json(t));
    return Response::json(http::page_json(std::move(items), std::nullopt));
  });

  r.add("PUT", "/api/v1/asset-types/{code}", [&svc](Context& c) {
    auto body = parse_json_object(c.req.body);
    JsonInput in(body);
    AssetType t;
    t.code = c.req.path_param("code");
    t.name_zh = in.text("name_zh", {1, 40});
    t.name_en = in.text("name_en", {1, 40});
    t.active = in.optional_boolean("active").value_or(true);
    const auto* fields = in.raw("fields");
    if (!fields || !fields->is_array()) {
      in.add_error("fields", !fields ? "field.required" : "field.wrong_type",
                   {{"expected", "array"}});
    } else {
      const auto& arr = fields->as_array();
      for (size_t i = 0; i < arr.size(); ++i) {
        std::string at = "fields[" + std::to_string(i) + "]";
        if (!arr[i].is_object()) {
          in.add_error(at, "field.wrong_type", {{"expected", "object"}});
          continue;
        }
        JsonInput fi(arr[i].as_object());
        AssetField f;
        f.key = fi.text("key", {1, 32});
        f.label_zh = fi.text("label_zh", {1, 40});
        f.label_en = fi.optional_text("label_en", {0, 40}).value_or("");
        f.type = fi.text("type", {1, 10});
        f.required = fi.optional_boolean("required").value_or(false);
        f.options = fi.optional_text_list("options", {1, 40}).value_or(std::vector<std::string>{});
        try {
          fi.finish();
          t.fields.push_back(std::move(f));
        } catch (const Error& err) {
          for (const auto& fe : err.fields()) in.add_error(at + "." + fe.field, fe.code, fe.params);
        }
      }
    }
    in.finish();
    return Response::json(asset_type_json(svc.save_asset_type(c.user(), t)));
  });
}

}  // namespace kefu::customers
