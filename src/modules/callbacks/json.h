#pragma once
// JSON shapes of callback tasks, queues, KPIs and the public survey page.
#include <boost/json.hpp>

#include "modules/callbacks/service.h"

namespace kefu::callbacks {

boost::json::object task_json_min(const Task& t);  // audit rows and events
boost::json::object task_view_json(const TaskView& v);
boost::json::object detail_json(const TaskDetail& d);
boost::json::object queue_json(const Queue& q);
boost::json::object backlog_json(const Backlog& b);
boost::json::object kpis_json(const Kpis& k);
boost::json::object public_survey_json(const PublicSurvey& s);
boost::json::object message_json(const notify::Message& m);

}  // namespace kefu::callbacks
