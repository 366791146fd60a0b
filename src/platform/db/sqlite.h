#pragma once
#include <memory>
#include <string>

#include "platform/db/database.h"

namespace kefu::db {

// `path` is a file path; the file and its directory are created when missing.
std::unique_ptr<Database> open_sqlite(const std::string& path, const Options& options);

}  // namespace kefu::db
