// Attachments: photos of a damaged parcel, a signed settlement, an invoice. The bytes go to
// the content-addressed file store before the row that names them is committed.
#include <boost/json.hpp>

#include "modules/tickets/service.h"
#include "platform/audit/audit.h"
#include "platform/core/json_input.h"

namespace kefu::tickets {
namespace {

constexpr size_t kMaxBytes = 10u << 20;

// The declared types we take, and the family their bytes must show.
std::string family_of(const std::string& declared) {
  if (declared == "image/jpeg" || declared == "image/png" || declared == "image/gif" ||
      declared == "image/webp" || declared == "application/pdf" || declared == "text/plain")
    return declared;
  if (declared == "application/zip" ||
      declared == "application/vnd.openxmlformats-officedocument.wordprocessingml.document" ||
      declared == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return "application/zip";
  return "";
}

std::string clean_name(std::string name) {
  auto slash = name.find_last_of("/\\");
  if (slash != std::string::npos) name = name.substr(slash + 1);
  std::string out;
  for (char c : name)
    if (static_cast<unsigned char>(c) >= 0x20 && c != '"') out += c;
  return out;
}

}  // namespace

store::Attachment TicketService::attach(const auth::Principal& p, int64_t id,
                                        const std::string& raw_name,
                                        const std::string& content_type, std::string_view bytes) {
  if (!p.can(perm::kRead)) throw Error::forbidden();
  if (!p.can(perm::kIntake) && !p.can(perm::kHandle)) throw Error::forbidden();
  std::string name = clean_name(raw_name);
  std::vector<FieldError> e;
  if (name.empty() || utf8_length(name) > 200) e.push_back({"name", "field.invalid", {}});
  std::string family = family_of(content_type);
  if (family.empty())
    e.push_back({"content_type", "ticket.attachment_type", {{"type", content_type}}});
  else if (storage::sniff_type(bytes) != family)
    e.push_back({"content_type", "ticket.attachment_mismatch", {{"type", content_type}}});
  if (bytes.empty()) e.push_back({"body", "field.required", {}});
  if (bytes.size() > kMaxBytes)
    throw Error(ErrorKind::kPayloadTooLarge, "request.body_too_large",
                {{"limit", std::to_string(kMaxBytes)}});
  // Scope before work: an unknown ticket is a 404 whatever the file.
  db_.read([&](db::Session& s) { scoped(s, p, id); });
  if (!e.empty()) throw Error::validation(e);
  store::Attachment a;
  a.ticket_id = id;
  a.name = name;
  a.content_type = content_type;
  a.size = static_cast<int64_t>(bytes.size());
  a.sha256 = files_.put(bytes);  // on disk and flushed before the row exists
  a.uploaded_by = p.actor_id();
  a.created_at = clock_.now_ms();
  db_.write([&](db::Session& s) {
    Ticket t = scoped(s, p, id);
    a.id = store::insert_attachment(s, a);
    boost::json::object after{{"attachment_id", a.id},
                              {"name", a.name},
                              {"content_type", a.content_type},
                              {"size", a.size},
                              {"sha256", a.sha256}};
    audit::append(s, a.created_at,
                  {p.actor_id(), p.username, "ticket.attach", "ticket", std::to_string(id),
                   t.unit_path, "", boost::json::serialize(after), p.request_id});
  });
  return a;
}

std::pair<store::Attachment, std::string> TicketService::attachment(const auth::Principal& p,
                                                                    int64_t id,
                                                                    int64_t attachment_id) {
  if (!p.can(perm::kRead)) throw Error::forbidden();
  std::optional<store::Attachment> a;
  db_.read([&](db::Session& s) {
    scoped(s, p, id);
    a = store::attachment(s, attachment_id);
  });
  if (!a || a->ticket_id != id) throw Error::not_found("@entity.attachment");
  auto bytes = files_.get(a->sha256);
  if (!bytes) throw Error(ErrorKind::kUnavailable, "ticket.attachment_missing");
  return {*a, std::move(*bytes)};
}

}  // namespace kefu::tickets
