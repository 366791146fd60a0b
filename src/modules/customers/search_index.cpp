#include "modules/customers/search_index.h"

#include "modules/customers/store.h"
#include "platform/search/tokenizer.h"

namespace kefu::customers {

void reindex(db::Session& s, int64_t customer_id) {
  auto c = store::find(s, customer_id);
  if (!c) return;
  std::string text = c->name + " " + c->code + " " + c->email + " " + c->address + " " + c->notes;
  for (const auto& ph : c->phones) text += " " + ph.number;
  for (const auto& t : c->tags) text += " " + t;
  for (const auto& a : store::assets_of(s, customer_id))
    text += " " + a.label + " " + a.plate + " " + a.vin;
  store::reindex(s, customer_id, search::index_tokens(text));
  store::set_completeness(s, customer_id, completeness(*c).score);
}

}  // namespace kefu::customers
