// HTTP for org units, users, sign-in and tokens: parse, call the service, render.
#include "modules/org/routes.h"

#include "modules/org/json.h"
#include "platform/core/error.h"
#include "platform/core/json_input.h"
#include "platform/http/params.h"

namespace kefu::org {
namespace {

using http::Context;
using http::Response;

constexpr TextRule kName{1, 64};
constexpr TextRule kCode{1, 32};

std::string session_cookie(const std::string& value, const CookieSettings& c, int64_t max_age) {
  std::string out = "kefu_session=" + value +
                    "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age);
  if (c.secure) out += "; Secure";
  return out;
}

// A JSON number (capacity: 1, 1.5); absent → nullopt, anything else a field error.
std::optional<double> optional_number(JsonInput& in, const char* key) {
  const auto* v = in.raw(key);
  if (!v) return std::nullopt;
  if (v->is_double()) return v->as_double();
  if (v->is_int64()) return static_cast<double>(v->as_int64());
  if (v->is_uint64()) return static_cast<double>(v->as_uint64());
  in.add_error(key, "field.wrong_type", {{"expected", "number"}});
  return std::nullopt;
}

boost::json::array unit_array(const std::vector<Unit>& units) {
  boost::json::array a;
  for (const auto& u : units) a.push_back(unit_json(u));
  return a;
}

boost::json::object me_json(OrgService& svc, const auth::Principal& p) {
  boost::json::object o;
  auto me = svc.me(p);
  o["user"] = user_json(me.user);
  o["unit"] = unit_json(me.unit);
  boost::json::array perms;
  for (const auto& x : p.permissions) perms.emplace_back(x);
  o["permissions"] = std::move(perms);
  o["csrf_token"] = p.csrf_token;
  o["via_token"] = p.via_token;
  return o;
}

UnitKind read_kind(JsonInput& in) {
  std::string k = in.text("kind", {1, 32});
  auto kind = parse_unit_kind(k);
  if (!kind && !k.empty()) in.add_error("kind", "field.invalid");
  return kind.value_or(UnitKind::kBranch);
}

}  // namespace

void add_routes(http::Router& r, OrgService& svc, CookieSettings cookies) {
  // --- sign-in ---
  r.add("POST", "/api/v1/session",
        [&svc, cookies](Context& c) {
          auto body = parse_json_object(c.req.body);
          JsonInput in(body);
          std::string username = in.text("username", {1, 64});
          std::string password = in.text("password", {1, 128});
          in.finish();
          SignIn s = svc.sign_in(username, password, c.req.remote_addr,
                                 std::string(c.req.header("user-agent")), c.req.request_id);
          boost::json::object o = me_json(svc, s.principal);
          Response resp = Response::json(o);
          resp.headers.emplace_back("Set-Cookie",
                                    session_cookie(s.session_token, cookies, cookies.max_age_s));
          return resp;
        },
        {.auth = false});

  r.add("DELETE", "/api/v1/session", [&svc, cookies](Context& c) {
    svc.sign_out(c.user());
    Response resp = Response::no_content();
    resp.headers.emplace_back("Set-Cookie", session_cookie("", cookies, 0));
    return resp;
  });

  r.add("GET", "/api/v1/me", [&svc](Context& c) { return Response::json(me_json(svc, c.user())); });

  r.add("PUT", "/api/v1/me/password", [&svc](Context& c) {
    auto body = parse_json_object(c.req.body);
    JsonInput in(body);
    std::string current = in.text("current_password", {1, 128});
    std::string next = in.text("new_password", {1, 128});
    in.finish();
    svc.change_own_password(c.user(), current, next);
    return Response::no_content();
  });

  // --- org units ---
  r.add("GET", "/api/v1/org/units", [&svc](Context& c) {
    auto page = http::page_request(c.req);
    UnitQuery q{http::query_text(c.req, "q"),
                http::query_text(c.req, "kind", 32),
                http::query_int(c.req, "parent_id"),
                http::query_bool(c.req, "active"),
                page.after,
                page.limit};
    auto result = svc.list_units(c.user(), q);
    return Response::json(http::page_json(unit_array(result.items), result.next_after));
  });

  r.add("POST", "/api/v1/org/units", [&svc](Context& c) {
    auto body = parse_json_object(c.req.body);
    JsonInput in(body);
    NewUnit u;
    u.parent_id = in.integer("parent_id");
    u.code = in.text("code", kCode);
    u.name = in.text("name", kName);
    u.kind = read_kind(in);
    in.add_errors(OrgService::check(u));
    in.finish();
    return Response::json(unit_json(svc.create_unit(c.user(), u)), 201);
  });

  r.add("GET", "/api/v1/org/units/{id}", [&svc](Context& c) {
    return Response::json(unit_json(svc.get_unit(c.user(), c.id_param("id", "@entity.org_unit"))));
  });

  r.add("PATCH", "/api/v1/org/units/{id}", [&svc](Context& c) {
    int64_t id = c.id_param("id", "@entity.org_unit");
    auto body = parse_json_object(c.req.body);
    JsonInput in(body);
    UnitPatch p;
    p.name = in.optional_text("name", kName);
    p.code = in.optional_text("code", kCode);
    p.parent_id = in.optional_integer("parent_id");
    p.active = in.optional_boolean("active");
    in.add_errors(OrgService::check(p));
    in.finish();
    return Response::json(unit_json(svc.update_unit(c.user(), id, p)));
  });

  // --- users ---
  r.add("GET", "/api/v1/users", [&svc](Context& c) {
    auto page = http::page_request(c.req);
    UserQuery q{http::query_text(c.req, "q"),
                http::query_int(c.req, "unit_id"),
                http::query_text(c.req, "role", 32),
                http::query_bool(c.req, "active"),
                page.after,
                page.limit};
    auto result = svc.list_users(c.user(), q);
    boost::json::array items;
    for (const auto& u : result.items) items.push_back(user_json(u));
    return Response::json(http::page_json(std::move(items), result.next_after));
  });

  r.add("POST", "/api/v1/users", [&svc](Context& c) {
    auto body = parse_json_object(c.req.body);
    JsonInput in(body);
    NewUser u;
    u.username = in.text("username", {1, 32});
    u.display_name = in.text("display_name", kName);
    u.password = in.text("password", {1, 128});
    u.unit_id = in.integer("unit_id");
    u.roles = in.text_list("roles", {1, 32});
    u.phone = in.optional_text("phone", {0, 20}).value_or("");
    u.email = in.optional_text("email", {0, 254}).value_or("");
    u.skills = in.optional_text_list("skills", {1, 32}).value_or(std::vector<std::string>{});
    u.capacity = optional_number(in, "capacity").value_or(1.0);
    in.add_errors(OrgService::check(u));
    in.finish();
    return Response::json(user_json(svc.create_user(c.user(), u)), 201);
  });

  r.add("GET", "/api/v1/users/{id}", [&svc](Context& c) {
    return Response::json(user_json(svc.get_user(c.user(), c.id_param("id", "@entity.user"))));
  });

  r.add("PATCH", "/api/v1/users/{id}", [&svc](Context& c) {
    int64_t id = c.id_param("id", "@entity.user");
    auto body = parse_json_object(c.req.body);
    JsonInput in(body);
    UserPatch p;
    p.display_name = in.optional_text("display_name", kName);
    p.unit_id = in.optional_integer("unit_id");
    p.roles = in.optional_text_list("roles", {1, 32});
    p.active = in.optional_boolean("active");
    p.phone = in.optional_text("phone", {0, 20});
    p.email = in.optional_text("email", {0, 254});
    p.skills = in.optional_text_list("skills", {1, 32});
    p.capacity = optional_number(in, "capacity");
    in.add_errors(OrgService::check(p));
    in.finish();
    return Response::json(user_json(svc.update_user(c.user(), id, p)));
  });

  r.add("POST", "/api/v1/users/{id}/password", [&svc](Context& c) {
    int64_t id = c.id_param("id", "@entity.user");
    auto body = parse_json_object(c.req.body);
    JsonInput in(body);
    std::string pw = in.text("password", {1, 128});
    in.finish();
    svc.reset_password(c.user(), id, pw);
    return Response::no_content();
  });

  // --- API tokens ---
  r.add("GET", "/api/v1/tokens", [&svc](Context& c) {
    boost::json::array items;
    for (const auto& t : svc.list_tokens(c.user())) items.push_back(token_json(t));
    return Response::json(http::page_json(std::move(items), std::nullopt));
  });

  r.add("POST", "/api/v1/tokens", [&svc](Context& c) {
    auto body = parse_json_object(c.req.body);
    JsonInput in(body);
    NewToken t;
    t.name = in.text("name", kName);
    t.scopes = in.text_list("scopes", {1, 16});
    t.expires_in_days = in.optional_integer("expires_in_days");
    in.add_errors(OrgService::check(t));
    in.finish();
    IssuedToken issued = svc.create_token(c.user(), t);
    boost::json::object o;
    o["token"] = issued.token;
    o["info"] = token_json(issued.info);
    return Response::json(o, 201);
  });

  r.add("DELETE", "/api/v1/tokens/{id}", [&svc](Context& c) {
    svc.revoke_token(c.user(), c.id_param("id", "@entity.api_token"));
    return Response::no_content();
  });
}

}  // namespace kefu::org
