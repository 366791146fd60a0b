#pragma once
// SQL for the customer archive's tables. Only this module's service calls it.
#include <optional>
#include <string>
#include <vector>

#include "modules/customers/model.h"
#include "platform/db/database.h"

namespace kefu::customers::store {

struct Asset {
  int64_t id = 0;
  int64_t customer_id = 0;
  std::string type;
  std::string label;
  std::string attrs_json;
  std::string plate;
  std::string vin;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

struct Event {
  int64_t id = 0;
  int64_t customer_id = 0;
  std::string kind;
  int64_t occurred_at = 0;
  int64_t unit_id = 0;
  std::optional<int64_t> staff_id;
  int64_t amount_fen = 0;
  std::optional<int64_t> asset_id;
  std::string attrs_json = "{}";
  std::optional<std::string> external_id;
  int64_t created_at = 0;
};

std::optional<Customer> find(db::Session& s, int64_t id);
void insert(db::Session& s, Customer& c);  // fills id and code
void update(db::Session& s, const Customer& c);
void set_phones(db::Session& s, int64_t customer_id, const std::vector<Phone>& phones);
// Customers (not deleted) that have one of these phone numbers: (number, customer id).
std::vector<std::pair<std::string, int64_t>> owners_of_phones(
    db::Session& s, const std::vector<std::string>& numbers);

struct Filter {
  std::string scope_path;
  std::optional<std::string> unit_path;
  std::optional<int64_t> owner_id;
  std::optional<std::string> kind;
  std::optional<std::string> source;
  std::optional<std::string> tag;
  std::optional<int> max_completeness;  // "incomplete": completeness below this
  std::string fts_query;                // dialect-specific match expression, "" = none
  int64_t before_id = 0;                // newest first; 0 = from the newest
  int limit = 50;
};
std::vector<Customer> list(db::Session& s, const Filter& f);

std::vector<AssetType> asset_types(db::Session& s);
std::optional<AssetType> asset_type(db::Session& s, const std::string& code);
void upsert_asset_type(db::Session& s, const AssetType& t, int64_t now);

std::vector<Asset> assets_of(db::Session& s, int64_t customer_id);
std::optional<Asset> find_asset(db::Session& s, int64_t id);
void insert_asset(db::Session& s, Asset& a);
void update_asset(db::Session& s, const Asset& a);
// Customers owning an asset with this plate or VIN.
std::vector<int64_t> owners_of_vehicle(db::Session& s, const std::string& plate,
                                       const std::string& vin);

void insert_event(db::Session& s, Event& e);
bool event_exists(db::Session& s, const std::string& external_id);
std::vector<Event> events_of(db::Session& s, int64_t customer_id, int64_t before_id, int limit);

void set_completeness(db::Session& s, int64_t customer_id, int score);
// Rewrites the search row of a customer.
void reindex(db::Session& s, int64_t customer_id, const std::string& tokens);

}  // namespace kefu::customers::store
