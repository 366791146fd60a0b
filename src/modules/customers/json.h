#pragma once
// JSON shapes of the customer archive (API bodies and audit before/after).
#include <boost/json.hpp>

#include "modules/customers/service.h"
#include "platform/core/i18n.h"

namespace kefu::customers {

boost::json::object customer_json(const CustomerView& v, bool with_details);
boost::json::object asset_json(const AssetView& a);
boost::json::object asset_type_json(const AssetType& t);
boost::json::object event_json(const EventView& e);
// A classification as the API and the versions table hold it.
boost::json::object classification_json(const Classification& c);
// An import report with each problem's message in `lang`.
// The report with the fields its kind of import can fill (customers or events).
boost::json::object import_report_json(const ImportReport& r, i18n::Lang lang,
                                       const std::vector<ImportField>& fields);
// Attributes of an asset as the checker wants them; a non-object gives nullopt.
std::optional<std::vector<AttrValue>> attr_values(const std::string& json);

}  // namespace kefu::customers
