#pragma once
// The customer archive's use cases: customers with phones and consent, typed assets, the
// history of events (each also published on the outbox), search, duplicates and
// completeness. Permissions and data scope (the caller's unit subtree) are checked here.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "modules/customers/model.h"
#include "modules/org/service.h"
#include "platform/auth/principal.h"
#include "platform/core/clock.h"
#include "platform/core/error.h"
#include "platform/db/database.h"

namespace kefu::customers {

struct CustomerInput {  // create: required fields must be set; patch: only what changes
  std::optional<std::string> kind, name, gender, birthday, email, address, source, quiet_start,
      quiet_end, notes;
  std::optional<int64_t> unit_id;
  std::optional<std::optional<int64_t>> owner_id;  // present null = no owner
  std::optional<std::vector<std::string>> tags;
  std::optional<bool> may_call, may_text;
  std::optional<std::vector<Phone>> phones;  // raw numbers; normalised by the service
};

struct AssetView {
  int64_t id = 0;
  std::string type;
  std::string label;
  std::string attrs_json;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

struct CustomerView {
  Customer customer;
  Completeness completeness;
  std::vector<AssetView> assets;
  bool phones_masked = false;
};

struct CustomerQuery {
  std::optional<std::string> q;
  std::optional<int64_t> unit_id, owner_id;
  std::optional<std::string> kind, source, tag;
  bool incomplete = false;
  int64_t after = 0;
  int limit = 50;
};

struct EventInput {
  std::optional<int64_t> customer_id;
  std::optional<std::string> customer_code;
  std::string kind;
  int64_t occurred_at = 0;
  std::optional<int64_t> unit_id;
  std::optional<int64_t> staff_id;
  int64_t amount_fen = 0;
  std::optional<int64_t> asset_id;
  std::string attrs_json = "{}";
  std::optional<std::string> external_id;  // the source system's id: a second delivery is skipped
};

struct EventView {
  int64_t id = 0;
  int64_t customer_id = 0;
  std::string kind;
  int64_t occurred_at = 0;
  int64_t unit_id = 0;
  std::optional<int64_t> staff_id;
  int64_t amount_fen = 0;
  std::optional<int64_t> asset_id;
  std::string attrs_json;
  std::optional<std::string> external_id;
};

struct BatchResult {
  std::vector<int64_t> created;  // event ids, in input order; 0 where skipped
  int skipped = 0;               // already recorded (same external_id)
};

struct DuplicateGroup {
  std::string reason;  // "phone", "plate", "vin"
  std::string value;   // masked when the caller may not see phone numbers
  std::vector<int64_t> customer_ids;
};

struct ImportOptions {
  bool dry_run = true;
  bool only_valid = false;         // false: any bad row refuses the whole file
  std::optional<int64_t> unit_id;  // for rows without a unit column
};

struct ImportProblem {
  size_t line = 0;     // the file's line (1 = the header)
  std::string column;  // the file's own column title
  std::string code;    // message code
  std::string value;
};

struct ImportReport {
  std::string encoding;
  size_t rows = 0;  // data rows, without the header
  size_t valid = 0;
  size_t invalid = 0;
  size_t created = 0;
  bool committed = false;
  std::vector<std::pair<std::string, std::string>> columns;  // file column → field
  std::vector<std::string> ignored_columns;
  std::vector<ImportProblem> problems;  // the first 1000
  size_t problem_count = 0;
};

// A customer and one of their assets as other modules see them inside their own
// transaction (rules' facts, callbacks' scripts and consent checks).
struct CustomerFacts {
  Customer customer;
  std::optional<AssetView> asset;
};

class CustomerService {
 public:
  CustomerService(db::Database& db, const Clock& clock, org::OrgService& org);
  static void register_messages();
  // Makes sure the preset asset types exist (first start, and after upgrades).
  void ensure_presets();

  static std::vector<FieldError> check(const CustomerInput& in, bool creating);

  CustomerView create(const auth::Principal& p, const CustomerInput& in);
  CustomerView get(const auth::Principal& p, int64_t id);
  CustomerView update(const auth::Principal& p, int64_t id, const CustomerInput& in);
  org::Page<CustomerView> list(const auth::Principal& p, const CustomerQuery& q);

  std::vector<AssetType> asset_types(const auth::Principal& p);
  AssetType save_asset_type(const auth::Principal& p, const AssetType& t);
  AssetView add_asset(const auth::Principal& p, int64_t customer_id, const std::string& type,
                      const std::string& attrs_json);
  AssetView update_asset(const auth::Principal& p, int64_t customer_id, int64_t asset_id,
                         const std::string& attrs_json);

  EventView record_event(const auth::Principal& p, const EventInput& in);
  // All or nothing; errors name "events[i].field".
  BatchResult record_events(const auth::Principal& p, const std::vector<EventInput>& in);
  org::Page<EventView> events(const auth::Principal& p, int64_t customer_id, int64_t after,
                              int limit);

  std::vector<DuplicateGroup> duplicates(const auth::Principal& p);

  // For other modules, in their transaction: no permission check (the system acts), no
  // second session. The asset only when it belongs to the customer.
  std::optional<CustomerFacts> facts_in(db::Session& s, int64_t customer_id,
                                        std::optional<int64_t> asset_id) const;

  // Customers (and their vehicles) from a CSV file: every bad row is reported with its
  // line, column and reason; then all good rows are written in one transaction, or none.
  ImportReport import_csv(const auth::Principal& p, std::string_view bytes,
                          const ImportOptions& options);

 private:
  // with_assets: the detail page's asset cards; lists leave them out (no query per row).
  CustomerView view(const auth::Principal& p, db::Session& s, Customer c, bool with_assets = true) const;
  BatchResult record(const auth::Principal& p, const std::vector<EventInput>& in, bool indexed);
  std::vector<FieldError> validate_event(db::Session& s, const auth::Principal& p,
                                         const EventInput& in, const std::string& prefix,
                                         int64_t now, const std::set<int64_t>& units_in_scope,
                                         Customer* customer_out, std::string* asset_type_out);

  db::Database& db_;
  const Clock& clock_;
  org::OrgService& org_;
};

}  // namespace kefu::customers
