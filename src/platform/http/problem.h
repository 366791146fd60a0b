#pragma once
// Renders a kefu::Error as application/problem+json (RFC 9457) in the caller's language.
#include "platform/core/error.h"
#include "platform/http/message.h"

namespace kefu::http {

Response problem(const Error& e, i18n::Lang lang, const std::string& request_id);

}  // namespace kefu::http
