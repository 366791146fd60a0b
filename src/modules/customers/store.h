#pragma once
// SQL for the customer archive's tables. Only this module's service calls it.
#include <map>
#include <optional>
#include <string>
#include <unordered_set>
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

// With its phones unless `with_phones` is false (one read fewer: the rules never look at them).
std::optional<Customer> find(db::Session& s, int64_t id, bool with_phones = true);
// Several at once, with their phones (deleted ones left out); in no particular order.
std::vector<Customer> find_many(db::Session& s, const std::vector<int64_t>& ids);
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
  std::optional<int> max_completeness;
  // (classification, class); when the class is the blank one, customers without a row.
  std::optional<std::pair<std::string, std::string>> class_of;
  bool class_blank = false;  // "incomplete": completeness below this
  std::string fts_query;     // dialect-specific match expression, "" = none
  int64_t before_id = 0;     // newest first; 0 = from the newest
  int limit = 50;
};
std::vector<Customer> list(db::Session& s, const Filter& f);

std::vector<AssetType> asset_types(db::Session& s);
std::optional<AssetType> asset_type(db::Session& s, const std::string& code);
void upsert_asset_type(db::Session& s, const AssetType& t, int64_t now);

std::vector<Asset> assets_of(db::Session& s, int64_t customer_id);
std::optional<Asset> find_asset(db::Session& s, int64_t id);
std::vector<Asset> find_assets(db::Session& s, const std::vector<int64_t>& ids);

// Customers (not merged, not deleted) under `unit_path` with id > `after`, by id.
std::vector<int64_t> customer_ids_under(db::Session& s, const std::string& unit_path, int64_t after,
                                        int limit);
// Who holds a date (see DateQuery in model.h).
std::vector<DateHolder> date_holders(db::Session& s, const DateQuery& q);
void insert_asset(db::Session& s, Asset& a);
void update_asset(db::Session& s, const Asset& a);
// Customers owning an asset with this plate or VIN.
std::vector<int64_t> owners_of_vehicle(db::Session& s, const std::string& plate,
                                       const std::string& vin);

// Which of these plates (or VINs), upper-cased, a customer already owns: an import checks a
// whole file with a few queries.
enum class VehicleKey { kPlate, kVin };
std::unordered_set<std::string> vehicle_keys_taken(db::Session& s, VehicleKey key,
                                                   const std::vector<std::string>& values);

void insert_event(db::Session& s, Event& e);

// For the history import: what a file's rows name, looked up for the whole file in batches.
struct CustomerRef {
  int64_t id = 0;
  std::string code;
  int64_t unit_id = 0;
  std::string unit_path;
  std::optional<int64_t> merged_into;
};
// Customers (not deleted) by code, and by id.
std::vector<CustomerRef> refs_by_codes(db::Session& s, const std::vector<std::string>& codes);
std::vector<CustomerRef> refs_by_ids(db::Session& s, const std::vector<int64_t>& ids);
// (number, customer id) for these phone numbers, deleted customers included (refs_by_ids
// leaves those out): one index lookup per number, no join.
std::vector<std::pair<std::string, int64_t>> phone_holders(db::Session& s,
                                                           const std::vector<std::string>& numbers);
struct VehicleRef {
  std::string key;  // the plate or VIN, upper-cased
  int64_t asset_id = 0;
  int64_t customer_id = 0;
  std::string type;
};
// Assets of customers (not deleted) with these plates (or VINs), upper-cased.
std::vector<VehicleRef> vehicles_by_keys(db::Session& s, VehicleKey key,
                                         const std::vector<std::string>& values);
// Which of these external ids an event already has.
std::unordered_set<std::string> external_ids_taken(db::Session& s,
                                                   const std::vector<std::string>& ids);
// Ids for `n` new events, taken before they are written (multi-row INSERTs, and the outbox
// payload names the id).
std::vector<int64_t> reserve_event_ids(db::Session& s, size_t n);
// New events with their ids already set.
void insert_events_many(db::Session& s, const std::vector<Event>& events);
bool event_exists(db::Session& s, const std::string& external_id);
std::vector<Event> events_of(db::Session& s, int64_t customer_id, int64_t before_id, int limit);

void set_completeness(db::Session& s, int64_t customer_id, int score);

// Merging: moving a customer's rows to another, by id (only rows still with `from`).
std::vector<int64_t> event_ids_of(db::Session& s, int64_t customer_id);
void move_assets(db::Session& s, const std::vector<int64_t>& ids, int64_t from, int64_t to);
void move_events(db::Session& s, const std::vector<int64_t>& ids, int64_t from, int64_t to);
void set_merged(db::Session& s, int64_t id, std::optional<int64_t> into, int64_t now);
struct Merge {
  int64_t id = 0;
  int64_t from_id = 0;
  int64_t into_id = 0;
  std::string before_json;  // both customers as they were
  std::string moved_json;   // what moved: asset and event ids, phones, tags, notes
  std::optional<int64_t> merged_by;
  int64_t merged_at = 0;
};
int64_t insert_merge(db::Session& s, const Merge& m);
// The merge of `from_id` that has not been undone, if any.
std::optional<Merge> last_merge(db::Session& s, int64_t from_id);
void merge_undone(db::Session& s, int64_t merge_id, int64_t now);
// Drops a customer's search row (a merged customer is not found).
void unindex(db::Session& s, int64_t customer_id);

// Assignment: customers owned per owner (visible ones: not deleted, not merged).
std::map<int64_t, int64_t> owned_counts(db::Session& s, const std::vector<int64_t>& owners);
void set_owner(db::Session& s, int64_t id, std::optional<int64_t> owner, int64_t now);
struct Brief {
  int64_t id = 0;
  std::string unit_path;
  std::optional<int64_t> owner_id;
};
// These customers, when they exist and are neither deleted nor merged, in id order.
std::vector<Brief> briefs(db::Session& s, const std::vector<int64_t>& ids);
// Adds the phones of a customer that has none yet (a new one).
void add_phones(db::Session& s, int64_t customer_id, const std::vector<Phone>& phones);
// Ids for `n` new customers, taken before they are written (an import writes many rows per
// statement and the code C00000042 with the row).
std::vector<int64_t> reserve_customer_ids(db::Session& s, size_t n);
// New customers with their ids and codes already set (reserve_customer_ids), and their phones.
void insert_new(db::Session& s, const std::vector<const Customer*>& cs);
// New assets (their ids are not needed back).
void insert_new_assets(db::Session& s, const std::vector<Asset>& as);
// The search rows of new customers: (customer id, tokens).
void index_new_many(db::Session& s, const std::vector<std::pair<int64_t, std::string>>& rows);
// Around a bulk load of search rows (an import), in its transaction: on, then off.
void search_bulk_load(db::Session& s, bool on);
// The search row of a new customer (no row to replace).
void index_new(db::Session& s, int64_t customer_id, const std::string& tokens);
// Rewrites the search row of a customer.
void reindex(db::Session& s, int64_t customer_id, const std::string& tokens);

}  // namespace kefu::customers::store
