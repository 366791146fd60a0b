#pragma once
#include <cstdint>

#include "platform/db/database.h"

namespace kefu::customers {

// Rewrites what is derived from a customer's record, phones and assets: the full-text row
// and the completeness score.
void reindex(db::Session& s, int64_t customer_id);

}  // namespace kefu::customers
