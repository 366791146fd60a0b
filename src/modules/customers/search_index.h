#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "modules/customers/model.h"

#include "platform/db/database.h"

namespace kefu::customers {

// Rewrites what is derived from a customer's record, phones and assets: the full-text row
// and the completeness score.
void reindex(db::Session& s, int64_t customer_id);

// The text the search row is built from: name, code, email, address, notes, phones, tags,
// and each asset's label, plate and VIN.
struct AssetText {
  std::string label, plate, vin;
};
std::string index_text(const Customer& c, const std::vector<AssetText>& assets);

}  // namespace kefu::customers
