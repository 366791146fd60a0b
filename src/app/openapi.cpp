#include <map>
#include <string>

#include "app/system_routes.h"

namespace kefu::embedded {
const std::map<std::string, std::string>& app_files();
}

namespace kefu {

const std::string& openapi_document() {
  static const std::string doc = embedded::app_files().at("src/app/openapi.json");
  return doc;
}

}  // namespace kefu
