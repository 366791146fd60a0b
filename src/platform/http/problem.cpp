#include "platform/http/problem.h"

#include <boost/json.hpp>

namespace kefu::http {
namespace {

// A parameter value "@code" names another message (e.g. "@entity.org_unit" → "组织单元").
Error::Params localise(const Error::Params& params, i18n::Lang lang) {
  Error::Params out = params;
  for (auto& [k, v] : out)
    if (!v.empty() && v.front() == '@') v = i18n::render(lang, v.substr(1));
  return out;
}

}  // namespace

Response problem(const Error& e, i18n::Lang lang, const std::string& request_id) {
  int status = http_status(e.kind());
  boost::json::object body;
  body["type"] = "/problems/" + e.code();
  body["title"] = e.code();
  body["status"] = status;
  body["code"] = e.code();
  body["detail"] = i18n::render(lang, e.code(), localise(e.params(), lang));
  body["request_id"] = request_id;
  if (!e.fields().empty()) {
    boost::json::array errors;
    for (const auto& f : e.fields()) {
      boost::json::object fe;
      fe["field"] = f.field;
      fe["code"] = f.code;
      fe["message"] = i18n::render(lang, f.code, localise(f.params, lang));
      errors.push_back(std::move(fe));
    }
    body["errors"] = std::move(errors);
  }
  for (const auto& [k, raw] : e.extra()) {
    boost::system::error_code ec;
    auto v = boost::json::parse(raw, ec);
    body[k] = ec ? boost::json::value(raw) : v;
  }
  Response r = Response::json(body, status);
  r.content_type = "application/problem+json";
  r.headers.emplace_back("Content-Language", std::string(i18n::tag(lang)));
  return r;
}

}  // namespace kefu::http
