#pragma once
#include "modules/surveys/service.h"
#include "platform/http/router.h"

namespace kefu::surveys {

void add_routes(http::Router& router, SurveyService& service);

}  // namespace kefu::surveys
