#pragma once
#include "modules/org/service.h"
#include "platform/http/router.h"

namespace kefu::org {

struct CookieSettings {
  bool secure = false;  // set behind HTTPS
  int64_t max_age_s = 12 * 3600;
};

void add_routes(http::Router& router, OrgService& service, CookieSettings cookies);

}  // namespace kefu::org
