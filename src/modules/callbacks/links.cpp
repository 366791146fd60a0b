// Survey links: the questionnaire of one task, answered by the customer on a public page.
// The token is signed with the server's key (app_secrets), names the task and its expiry,
// and can be used once: a second submit is refused, and the page shows nothing of the
// customer beyond a polite greeting.
#include <charconv>

#include <boost/json.hpp>

#include "modules/callbacks/json.h"
#include "modules/callbacks/prepared.h"
#include "modules/callbacks/service.h"
#include "platform/audit/audit.h"
#include "platform/core/ids.h"
#include "platform/events/outbox.h"

namespace kefu::callbacks {
namespace {

namespace json = boost::json;

std::optional<int64_t> to_int(std::string_view s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// zh***@kefu.test: like the phone numbers in the list, enough to tell which address it was.
std::string mask_email(std::string_view address) {
  auto at = address.rfind('@');
  if (at == std::string_view::npos) return std::string(address.size(), '*');
  return std::string(address.substr(0, std::min<size_t>(2, at))) + "***" +
         std::string(address.substr(at));
}

std::string greeting_of(const customers::Customer& c) {
  return polite_title(c.name, c.gender, c.kind == customers::Kind::kPerson, "尊敬的客户");
}

}  // namespace

std::string CallbackService::link_for(int64_t task_id, int64_t expires_at,
                                      LinkChannel channel) const {
  // The channel rides in the signed payload so that the answer records how it came.
  return sign_link(link_secret_, "cb:" + std::to_string(task_id) + ":" + std::to_string(expires_at) +
                                     (channel == LinkChannel::kEmail ? ":email" : ""));
}

std::optional<int64_t> CallbackService::task_of_link(const std::string& token, int64_t* expires_at,
                                                     std::string* channel) const {
  if (link_secret_.empty()) return std::nullopt;
  auto payload = open_link(link_secret_, token);
  if (!payload || payload->rfind("cb:", 0) != 0) return std::nullopt;
  std::string_view rest = std::string_view(*payload).substr(3);
  auto colon = rest.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  auto id = to_int(rest.substr(0, colon));
  rest.remove_prefix(colon + 1);
  *channel = "sms";  // links from before the email channel name none
  if (auto c = rest.find(':'); c != std::string_view::npos) {
    if (rest.substr(c + 1) != "email") return std::nullopt;
    *channel = "email";
    rest = rest.substr(0, c);
  }
  auto exp = to_int(rest);
  if (!id || !exp) return std::nullopt;
  *expires_at = *exp;
  return id;
}

namespace {

// What the survey message says, whichever way it goes.
struct SurveyInvite {
  std::string greeting;  // 郑女士
  std::string unit_name;
  std::string questionnaire;
  std::string link;
  int64_t link_days = 7;
  std::string hotline;
};

notify::Message survey_sms(const customers::Customer& c, const SurveyInvite& v) {
  if (!c.may_text) throw Error(ErrorKind::kConflict, "callbacks.no_text_consent");
  std::string mobile;
  for (const auto& ph : c.phones)
    if (ph.number.size() == 11 && ph.number[0] == '1' && (ph.primary || mobile.empty()))
      mobile = ph.number;
  if (mobile.empty()) throw Error(ErrorKind::kConflict, "callbacks.no_mobile");
  notify::Message m;
  m.channel = "sms";
  m.recipient = mobile;
  m.body = "【" + v.unit_name + "】" + v.greeting + "您好，感谢您的光临，诚邀您花一分钟评价本次服务（" +
           v.questionnaire + "）：" + v.link + " 链接" + std::to_string(v.link_days) +
           "天内有效，回复TD退订。";
  return m;
}

// A missing address or consent is the request's choice of channel that cannot work for
// this customer: 422 on `channel`, so the console can offer SMS instead.
Error email_refused(const char* code) {
  return Error(ErrorKind::kUnprocessable, code).with_fields({{"channel", code, {}}});
}

notify::Message survey_email(const customers::Customer& c, const SurveyInvite& v) {
  // Consent to email is its own flag (may_email), apart from SMS (may_text).
  if (!c.may_email) throw email_refused("callbacks.no_email_consent");
  if (c.email.empty()) throw email_refused("callbacks.no_email");
  std::string sender = v.unit_name.empty() ? std::string("客户服务中心") : v.unit_name;
  notify::Message m;
  m.channel = "email";
  m.recipient = c.email;
  m.subject = (v.unit_name.empty() ? std::string() : "【" + v.unit_name + "】") +
              "诚邀您评价本次服务";
  m.body = v.greeting + "您好：\n\n"
           "感谢您选择" + sender + "。为了把服务做得更好，诚邀您花一分钟时间，对本次服务做一个评价（" +
           v.questionnaire + "）。请点击下面的链接填写问卷：\n\n" + v.link +
           "\n\n"
           "链接 " + std::to_string(v.link_days) + " 天内有效，问卷只能提交一次。您的每一条意见我们都会认真阅读。\n"
           "如有任何疑问，欢迎致电服务热线 " + v.hotline + "。\n\n"
           "此邮件由系统自动发送，请勿直接回复。\n\n" +
           sender + " 客户服务中心\n";
  return m;
}

}  // namespace

std::string CallbackService::send_survey(const auth::Principal& p, int64_t id, LinkChannel channel) {
  bool supervise = p.can(org::perm::kCallbackSupervise);
  if (!p.can(org::perm::kCallbackWork) && !supervise) throw Error::forbidden();
  int64_t now = clock_.now_ms();
  std::string link;
  db_.write([&](db::Session& s) {
    auto r = scoped(s, p, id);
    bool mine = r.task.assignee_id && *r.task.assignee_id == p.user_id;
    if (!mine && !supervise) throw Error::forbidden();
    if (!is_open(r.task.state))
      throw Error(ErrorKind::kConflict, "callbacks.closed",
                  {{"state", "@callbacks.state." + std::string(to_string(r.task.state))}});
    auto facts = customers_.facts_in(s, r.task.customer_id, r.task.asset_id);
    if (!facts) throw Error::not_found("@entity.customer");
    const auto& c = facts->customer;
    auto q = surveys_.version(s, r.task.questionnaire_id, r.task.questionnaire_version);
    int64_t expires = now + settings_.link_ttl_ms;
    link = settings_.public_base_url + "/public/survey/" + link_for(id, expires, channel);
    SurveyInvite v;
    v.greeting = greeting_of(c);
    if (auto u = org_.unit_in(s, r.task.unit_id)) v.unit_name = u->name;
    v.questionnaire = q ? q->name : std::string("满意度调查");
    v.link = link;
    v.link_days = std::max<int64_t>(1, settings_.link_ttl_ms / (24 * 3600 * 1000));
    v.hotline = settings_.hotline;
    notify::Message m = channel == LinkChannel::kEmail ? survey_email(c, v) : survey_sms(c, v);
    m.ref = "callback:" + std::to_string(id);
    // Inside the customer's quiet hours the message waits for them to end: an email read at
    // night is as unwelcome as an SMS (DOMAIN §11 holds every message to a customer).
    auto cw = parse_window(c.quiet_start, c.quiet_end);
    m.send_after = quiet_until(now, settings_.offset_minutes, settings_.company_quiet, cw);
    int64_t mid = notify::queue(s, now, m);
    std::string before = json::serialize(task_json_min(r.task));
    r.link_sent_at = now;
    r.task.updated_at = now;
    if (!store::update(s, r)) throw Error(ErrorKind::kConflict, "callbacks.version_conflict");
    audit::append(s, now,
                  {p.actor_id(), p.username, "callback.survey_link", "callback_task",
                   std::to_string(id), r.task.unit_path, before,
                   json::serialize(json::object{{"message_id", mid},
                                                {"channel", m.channel},
                                                {"expires_at", expires},
                                                {"send_after", m.send_after}}),
                   p.request_id});
  });
  return link;
}

std::vector<notify::Message> CallbackService::messages(const auth::Principal& p, int64_t id) {
  if (!p.can(org::perm::kCallbackWork) && !p.can(org::perm::kCallbackRead))
    throw Error::forbidden();
  return db_.reading([&](db::Session& s) {
    scoped(s, p, id);
    auto out = notify::by_ref(s, "callback:" + std::to_string(id));
    for (auto& m : out)
      m.recipient = m.channel == "email" ? mask_email(m.recipient) : org::mask_phone(m.recipient);
    return out;
  });
}

PublicSurvey CallbackService::public_survey(const std::string& token) {
  int64_t expires = 0;
  std::string channel;
  auto id = task_of_link(token, &expires, &channel);
  if (!id) throw Error(ErrorKind::kNotFound, "callbacks.link_invalid");
  if (expires < clock_.now_ms()) throw Error(ErrorKind::kNotFound, "callbacks.link_expired");
  PublicSurvey out;
  out.expires_at = expires;
  db_.read([&](db::Session& s) {
    auto r = store::find(s, *id);
    if (!r) throw Error(ErrorKind::kNotFound, "callbacks.link_invalid");
    if (r->task.answer_id) throw Error(ErrorKind::kConflict, "callbacks.survey_answered");
    if (!is_open(r->task.state)) throw Error(ErrorKind::kConflict, "callbacks.survey_closed");
    auto q = surveys_.version(s, r->task.questionnaire_id, r->task.questionnaire_version);
    if (!q) throw Error(ErrorKind::kNotFound, "callbacks.link_invalid");
    out.questionnaire = *q;
    if (auto f = customers_.facts_in(s, r->task.customer_id, std::nullopt))
      out.greeting = greeting_of(f->customer);
    if (auto u = org_.unit_in(s, r->task.unit_id)) out.unit_name = u->name;
  });
  return out;
}

void CallbackService::submit_public(const std::string& token, const std::string& answers_json) {
  int64_t expires = 0;
  std::string channel;
  auto id = task_of_link(token, &expires, &channel);
  int64_t now = clock_.now_ms();
  if (!id) throw Error(ErrorKind::kNotFound, "callbacks.link_invalid");
  if (expires < now) throw Error(ErrorKind::kNotFound, "callbacks.link_expired");
  std::optional<store::Row> row;
  db_.read([&](db::Session& s) { row = store::find(s, *id); });
  if (!row) throw Error(ErrorKind::kNotFound, "callbacks.link_invalid");
  if (row->task.answer_id) throw Error(ErrorKind::kConflict, "callbacks.survey_answered");
  if (!is_open(row->task.state)) throw Error(ErrorKind::kConflict, "callbacks.survey_closed");
  auth::Principal nobody;  // the customer: no user
  nobody.username = "customer";
  Prepared prep = prepare_answer(nobody, *row, answers_json, "", channel);
  db_.write([&](db::Session& s) {
    auto r = store::find(s, *id);
    if (!r || r->task.answer_id) throw Error(ErrorKind::kConflict, "callbacks.survey_answered");
    if (!is_open(r->task.state)) throw Error(ErrorKind::kConflict, "callbacks.survey_closed");
    std::string before = json::serialize(task_json_min(r->task));
    apply_answer(s, nobody, *r, prep, now);
    r->task.state = State::kDone;
    r->task.done_at = now;
    r->task.last_outcome = "answered";
    r->task.updated_at = now;
    if (!store::update(s, *r)) throw Error(ErrorKind::kConflict, "callbacks.survey_answered");
    audit::append(s, now,
                  {std::nullopt, "customer", "callback.survey_answered", "callback_task",
                   std::to_string(*id), r->task.unit_path, before,
                   json::serialize(task_json_min(r->task)), ""});
    events::publish(s, now,
                    {"callback.completed", "callback_task", std::to_string(*id), r->task.unit_id,
                     std::nullopt, json::serialize(task_json_min(r->task))});
  });
}

}  // namespace kefu::callbacks
