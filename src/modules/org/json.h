#pragma once
// JSON shapes of the org module's records (API bodies and audit before/after).
#include <string>

#include <boost/json.hpp>

#include "modules/org/model.h"

namespace kefu::org {

boost::json::object unit_json(const Unit& u);
boost::json::object user_json(const User& u);
boost::json::object token_json(const ApiToken& t);
inline std::string dump(const boost::json::object& o) {
  return boost::json::serialize(o);
}

}  // namespace kefu::org
