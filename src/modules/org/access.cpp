// Sign-in, sessions and API tokens.
#include "modules/org/json.h"
#include "modules/org/service.h"
#include "modules/org/store.h"
#include "platform/audit/audit.h"
#include "platform/auth/password.h"
#include "platform/core/error.h"
#include "platform/core/ids.h"

#include <climits>

namespace kefu::org {
namespace {

constexpr int64_t kTouchEveryMs = 60 * 1000;  // last-seen is written at most once a minute
constexpr std::string_view kTokenPrefix = "kefu_";

[[noreturn]] void invalid_credentials() {
  throw Error(ErrorKind::kUnauthenticated, "auth.invalid_credentials");
}

[[noreturn]] void locked(int64_t until, int64_t now) {
  int64_t minutes = std::max<int64_t>(1, (until - now + 59999) / 60000);
  throw Error(ErrorKind::kLocked, "auth.locked", {{"minutes", std::to_string(minutes)}});
}

}  // namespace

SignIn OrgService::sign_in(const std::string& username, const std::string& password,
                           const std::string& ip, const std::string& user_agent,
                           const std::string& request_id) {
  int64_t now = clock_.now_ms();
  if (!ip_throttle_.allowed(ip, now)) throw Error(ErrorKind::kTooManyRequests, "auth.throttled");
  auto user = db_.reading([&](db::Session& s) { return store::find_user_by_name(s, username); });
  if (!user || !user->active) {
    auth::burn_password_time(password);
    ip_throttle_.record_failure(ip, now);
    invalid_credentials();
  }
  if (user->locked_until > now) locked(user->locked_until, now);
  std::string hash = db_.reading([&](db::Session& s) { return store::password_hash(s, user->id); });
  if (!auth::verify_password(hash, password)) {
    ip_throttle_.record_failure(ip, now);
    int64_t locked_until = db_.writing([&](db::Session& s) {
      auto fresh = store::find_user(s, user->id);
      auto outcome = after_failure(fresh ? fresh->failed_logins : 0, now, settings_.lockout);
      store::set_login_failures(s, user->id, outcome.failures, outcome.locked_until);
      if (outcome.locked_until) {
        audit::append(s, now,
                      {user->id, user->username, "auth.locked", "user", std::to_string(user->id),
                       user->unit_path, "", "", request_id});
      }
      return outcome.locked_until;
    });
    if (locked_until) locked(locked_until, now);
    invalid_credentials();
  }
  std::string token = random_hex(32);
  SignIn out;
  out.user = *user;
  out.principal = principal_for(*user);
  out.principal.csrf_token = random_hex(16);
  out.principal.request_id = request_id;
  out.session_token = token;
  out.principal.credential_id = db_.writing([&](db::Session& s) {
    if (user->failed_logins || user->locked_until) store::set_login_failures(s, user->id, 0, 0);
    int64_t id = store::insert_session(s, sha256_hex(token), user->id, out.principal.csrf_token,
                                       now, now + settings_.session_ms, ip, user_agent);
    audit::append(s, now,
                  {user->id, user->username, "auth.sign_in", "session", std::to_string(id),
                   user->unit_path, "", "", request_id});
    return id;
  });
  ip_throttle_.reset(ip);
  return out;
}

OrgService::Me OrgService::me(const auth::Principal& p) {
  return db_.reading([&](db::Session& s) {
    auto u = store::find_user(s, p.user_id);
    auto unit = u ? store::find_unit(s, u->unit_id) : std::nullopt;
    if (!u || !unit) throw Error(ErrorKind::kUnauthenticated, "auth.required");
    return Me{*u, *unit};
  });
}

void OrgService::sign_out(const auth::Principal& p) {
  if (p.via_token) return;  // tokens are revoked, not signed out
  int64_t now = clock_.now_ms();
  db_.write([&](db::Session& s) {
    store::revoke_session(s, p.credential_id, now);
    credentials_.forget_credential(false, p.credential_id);
    audit::append(s, now,
                  {p.user_id, p.username, "auth.sign_out", "session",
                   std::to_string(p.credential_id), p.unit_path, "", "", p.request_id});
  });
}

std::optional<auth::Principal> OrgService::authenticate(const std::string& session_token,
                                                        const std::string& bearer) {
  if (session_token.empty() && bearer.empty()) return std::nullopt;
  int64_t now = clock_.now_ms();
  const std::string cache_key =
      bearer.empty() ? "s:" + sha256_hex(session_token) : "b:" + sha256_hex(bearer);
  if (auto cached = credentials_.get(cache_key, now)) return cached;
  struct Found {
    std::optional<User> user;
    std::optional<store::SessionRow> session;
    std::optional<ApiToken> token;
  };
  Found f = db_.reading([&](db::Session& s) {
    Found out;
    if (!bearer.empty()) {
      out.token = store::find_token_by_hash(s, sha256_hex(bearer));
      if (out.token) out.user = store::find_user(s, out.token->user_id);
    } else {
      out.session = store::find_session(s, sha256_hex(session_token));
      if (out.session) out.user = store::find_user(s, out.session->user_id);
    }
    return out;
  });
  if (!bearer.empty()) {
    bool usable = f.token && f.user && f.user->active && !f.token->revoked_at &&
                  (!f.token->expires_at || *f.token->expires_at > now);
    if (!usable) throw Error(ErrorKind::kUnauthenticated, "auth.token_invalid");
    auth::Principal p = principal_for(*f.user);
    p.via_token = true;
    p.token_scopes = f.token->scopes;
    p.credential_id = f.token->id;
    if (!f.token->last_used_at || *f.token->last_used_at + kTouchEveryMs < now)
      db_.write([&](db::Session& s) { store::touch_token(s, f.token->id, now); });
    credentials_.put(cache_key, p, now, f.token->expires_at.value_or(INT64_MAX));
    return p;
  }
  if (!f.session || !f.user || !f.user->active || f.session->expires_at <= now ||
      f.session->last_seen_at + settings_.session_idle_ms <= now)
    return std::nullopt;
  auth::Principal p = principal_for(*f.user);
  p.csrf_token = f.session->csrf_token;
  p.credential_id = f.session->id;
  if (f.session->last_seen_at + kTouchEveryMs < now)
    db_.write([&](db::Session& s) { store::touch_session(s, f.session->id, now); });
  credentials_.put(cache_key, p, now,
                   std::min(f.session->expires_at, now + settings_.session_idle_ms));
  return p;
}

std::vector<FieldError> OrgService::check(const NewToken& in) {
  std::vector<FieldError> errors;
  if (in.name.empty()) errors.push_back({"name", "field.required", {}});
  if (in.scopes.empty()) errors.push_back({"scopes", "org.scopes_empty", {}});
  for (size_t i = 0; i < in.scopes.size(); ++i)
    if (!parse_scope(in.scopes[i]))
      errors.push_back(
          {"scopes[" + std::to_string(i) + "]", "org.scope_unknown", {{"scope", in.scopes[i]}}});
  if (in.expires_in_days && (*in.expires_in_days < 1 || *in.expires_in_days > 3650))
    errors.push_back({"expires_in_days", "field.out_of_range", {}});
  return errors;
}

IssuedToken OrgService::create_token(const auth::Principal& p, const NewToken& in) {
  if (auto errors = check(in); !errors.empty()) throw Error::validation(std::move(errors));
  if (p.via_token) throw Error::forbidden();  // a token cannot mint tokens
  int64_t now = clock_.now_ms();
  IssuedToken out;
  out.token = std::string(kTokenPrefix) + random_hex(24);
  out.info.user_id = p.user_id;
  out.info.name = in.name;
  out.info.prefix = out.token.substr(0, 12);
  out.info.scopes = in.scopes;
  out.info.created_at = now;
  if (in.expires_in_days) out.info.expires_at = now + *in.expires_in_days * 24 * 3600 * 1000LL;
  db_.write([&](db::Session& s) {
    out.info.id = store::insert_token(s, out.info, sha256_hex(out.token));
    audit::append(
        s, now,
        {p.user_id, p.username, "auth.token.create", "api_token", std::to_string(out.info.id),
         p.unit_path, "", dump(token_json(out.info)), p.request_id});
  });
  return out;
}

std::vector<ApiToken> OrgService::list_tokens(const auth::Principal& p) {
  return db_.reading([&](db::Session& s) { return store::list_tokens(s, p.user_id); });
}

void OrgService::revoke_token(const auth::Principal& p, int64_t id) {
  int64_t now = clock_.now_ms();
  db_.write([&](db::Session& s) {
    auto t = store::find_token(s, id);
    if (!t || t->user_id != p.user_id) throw Error::not_found("@entity.api_token");
    if (t->revoked_at) return;
    store::revoke_token(s, id, now);
    credentials_.forget_credential(true, id);
    ApiToken after = *t;
    after.revoked_at = now;
    audit::append(s, now,
                  {p.user_id, p.username, "auth.token.revoke", "api_token", std::to_string(id),
                   p.unit_path, dump(token_json(*t)), dump(token_json(after)), p.request_id});
  });
}

}  // namespace kefu::org
