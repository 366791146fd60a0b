#pragma once
// The PostgreSQL driver: a libpq connection pool behind the Database interface.
#include <memory>
#include <string>

#include "platform/db/database.h"

namespace kefu::db {

// Opens a pool of `options.pool_size` connections to `url` (any libpq URI or conninfo
// string). One connection is opened at once so that a bad URL or an unreachable server
// fails here with DatabaseError; the others are opened on demand.
std::unique_ptr<Database> open_postgres(const std::string& url, const Options& options);

}  // namespace kefu::db
