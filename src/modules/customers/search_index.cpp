#include "modules/customers/search_index.h"

#include "modules/customers/store.h"
#include "platform/search/tokenizer.h"

namespace kefu::customers {

std::string index_text(const Customer& c, const std::vector<AssetText>& assets) {
  std::string text = c.name + " " + c.code + " " + c.email + " " + c.address + " " + c.notes;
  for (const auto& ph : c.phones) text += " " + ph.number;
  for (const auto& t : c.tags) text += " " + t;
  for (const auto& a : assets) text += " " + a.label + " " + a.plate + " " + a.vin;
  return text;
}

void reindex(db::Session& s, int64_t customer_id) {
  auto c = store::find(s, customer_id);
  if (!c) return;
  std::vector<AssetText> assets;
  for (const auto& a : store::assets_of(s, customer_id))
    assets.push_back({a.label, a.plate, a.vin});
  store::reindex(s, customer_id, search::index_tokens(index_text(*c, assets)));
  store::set_completeness(s, customer_id, completeness(*c).score);
}

}  // namespace kefu::customers
