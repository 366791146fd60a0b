#pragma once
#include "modules/rules/service.h"
#include "platform/http/router.h"

namespace kefu::rules {

void add_routes(http::Router& router, RuleService& service);

}  // namespace kefu::rules
