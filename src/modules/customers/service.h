#pragma once
// The customer archive's use cases: customers with phones and consent, typed assets, the
// history of events (each also published on the outbox), search, duplicates and
// completeness. Permissions and data scope (the caller's unit subtree) are checked here.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
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
#include "platform/storage/uploads.h"

namespace kefu::customers {
namespace store {
struct Filter;
}

struct CustomerInput {  // create: required fields must be set; patch: only what changes
  std::optional<std::string> kind, name, gender, birthday, email, address, source, quiet_start,
      quiet_end, notes;
  std::optional<int64_t> unit_id;
  std::optional<std::optional<int64_t>> owner_id;  // present null = no owner
  std::optional<std::vector<std::string>> tags;
  std::optional<bool> may_call, may_text, may_email;
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
  // classification code → class code, for the active classifications (API views only).
  std::map<std::string, std::string> classes;
};

struct CustomerQuery {
  std::optional<std::string> q;
  std::optional<int64_t> unit_id, owner_id;
  std::optional<std::string> kind, source, tag;
  bool incomplete = false;
  int64_t after = 0;
  int limit = 50;
  std::optional<std::string> class_filter;  // "lifecycle:at_risk" (last: positional inits)
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
  std::string format = "csv";      // "csv" or "xlsx" (the first sheet)
  // The user's column mapping: file column title → field ("" = ignore the column). Titles
  // not named are recognised by their usual names.
  std::map<std::string, std::string> mapping;
};

// A field an import column can fill, for the mapping step.
struct ImportField {
  std::string field;
  std::string label_zh;
  std::string label_en;
  bool required = false;
};

// An import's file when it came as a resumable upload.
struct ImportFile {
  std::string bytes;
  std::string format;  // "csv" or "xlsx"
};

struct ImportProblem {
  size_t line = 0;     // the file's line (1 = the header)
  std::string column;  // the file's own column title
  std::string code;    // message code
  std::string value;
};

struct ImportReport {
  std::string encoding;              // "utf-8", "gb18030" or "xlsx"
  std::vector<std::string> headers;  // the file's column titles, in order
  size_t rows = 0;                   // data rows, without the header
  size_t valid = 0;
  size_t invalid = 0;
  size_t created = 0;
  bool committed = false;
  std::vector<std::pair<std::string, std::string>> columns;  // file column → field
  std::vector<std::string> ignored_columns;
  std::vector<ImportProblem> problems;  // the first 1000
  size_t problem_count = 0;
  // Set when the file cannot be imported as mapped (no name column, no unit): a message
  // code; the report then holds the headers and the detected columns only.
  std::string refused;
};

// A customer and one of their assets as other modules see them inside their own
// transaction (rules' facts, callbacks' scripts and consent checks).
struct CustomerFacts {
  Customer customer;
  std::optional<AssetView> asset;
  std::map<std::string, std::string> classes;  // active classification → class
  bool with_classes = true;                    // false: `classes` was not read
};

// What a caller of facts_in needs beyond the customer's row: each is one more read per
// customer, and the rules consumer reads a customer for every event that passes its event
// conditions.
struct FactsNeed {
  bool phones = true;
  bool classes = true;
};

struct ExportFile {
  std::string filename;  // 客户导出-20260101-1200.xlsx
  std::string content_type;
  std::string bytes;
  size_t rows = 0;
};

struct AssignRequest {
  std::vector<int64_t> customer_ids;    // these customers, or
  std::optional<CustomerQuery> filter;  // every customer the list shows with these filters
  std::string mode = "balanced";        // "balanced" or "to"
  std::optional<int64_t> agent_id;      // mode "to"
  std::vector<int64_t> agent_ids;       // balanced among these (default: the unit's agents)
  std::map<int64_t, double> weights;    // capacity per agent (default 1.0)
};

struct AssignResult {
  struct Item {
    int64_t customer_id = 0;
    std::optional<int64_t> from;
    int64_t to = 0;
  };
  std::vector<Item> items;
  struct Agent {
    int64_t id = 0;
    int64_t load_before = 0;  // customers owned before, not counting this batch's
    int64_t assigned = 0;
    double weight = 1.0;
  };
  std::vector<Agent> agents;
};

struct ClassificationView {
  Classification def;
  int64_t version = 0;
  int64_t updated_at = 0;
  std::string blank;  // the class of customers without history
};

// How many customers (in the caller's scope) fall in each class of a draft.
struct ClassDryRun {
  int64_t customers = 0;
  std::vector<std::pair<std::string, int64_t>> counts;  // class code → customers, in order
};

// A recomputation: nightly, after a rule changed, on request or after an import.
struct ClassRun {
  int64_t id = 0;
  std::string reason;
  std::string classification;  // "" = all
  int64_t total = 0, done = 0, changed = 0;
  int64_t started_at = 0;
  std::optional<int64_t> finished_at;
};

// Counts per class for each child unit of a unit (and the unit's own customers).
struct UnitClassCounts {
  int64_t unit_id = 0;
  std::string unit_name;
  bool own = false;  // customers directly in the unit asked for, not in a child
  std::map<std::string, int64_t> counts;
  int64_t total = 0;
};
struct ClassCountsReport {
  ClassificationView classification;
  int64_t unit_id = 0;
  std::string unit_name;
  std::vector<UnitClassCounts> units;
  std::map<std::string, int64_t> totals;
};

inline constexpr const char* kClassBatchJob = "customer.classes.batch";
inline constexpr const char* kClassNightlyJob = "customer.classes.nightly";

// Records of other modules that a merge moved, by kind ("tickets", "callback_tasks"): kept
// with the merge (customer_merges.moved_json, under "hooks") so that the undo moves exactly
// these back and nothing that was created for the survivor since.
using MovedRecords = std::map<std::string, std::vector<int64_t>>;
// Called inside the merge transaction: another module re-points its records from the
// merged customer to the survivor and says which ones it moved.
using MergeHook = std::function<MovedRecords(db::Session&, int64_t from, int64_t into)>;
// Called inside the unmerge transaction with everything the merge's hooks moved: a module
// moves its own kinds back (only those still with the survivor).
using UnmergeHook =
    std::function<void(db::Session&, const MovedRecords& moved, int64_t survivor, int64_t back_to)>;

class CustomerService {
 public:
  CustomerService(db::Database& db, const Clock& clock, org::OrgService& org);
  static void register_messages();
  // Makes sure the preset asset types and classifications exist (first start, and after
  // upgrades; an admin's edits are kept) and that the nightly recomputation is scheduled.
  // The ARPU tier starts active for telecom companies only.
  void ensure_presets(const std::string& industry = "general");
  // The company's zone (minutes east of UTC): the nightly run is at 02:00 local time.
  void set_zone_offset(int minutes) { zone_offset_minutes_ = minutes; }
  // Resumable uploads, for imports of large files (?upload_id=).
  void set_uploads(storage::Uploads& uploads) { uploads_ = &uploads; }
  // Called after a commit that scheduled classification work (the job runner's wake()).
  void set_job_waker(std::function<void()> wake) { wake_jobs_ = std::move(wake); }

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
                                        std::optional<int64_t> asset_id, FactsNeed need = {}) const;
  // The same for a page of work items (customer, asset) in three reads, without the classes:
  // a queue of 50 callbacks must not cost 150 queries. Keyed by customer id; an asset that is
  // not the customer's is left out; a customer may appear with several assets, so the asset is
  // looked up in `assets` by id.
  struct Cards {
    std::map<int64_t, Customer> customers;
    std::map<int64_t, std::pair<int64_t, AssetView>> assets;  // id → (customer id, asset)
  };
  Cards cards_in(db::Session& s,
                 const std::vector<std::pair<int64_t, std::optional<int64_t>>>& items) const;
  // For the rules' date and schedule triggers, in their transaction: the asset types (their
  // date fields), who holds a date, and the customers under a unit, a page at a time.
  std::vector<AssetType> asset_types_in(db::Session& s) const;
  std::vector<DateHolder> date_holders_in(db::Session& s, const DateQuery& q) const;
  std::vector<int64_t> customer_ids_in(db::Session& s, const std::string& unit_path, int64_t after,
                                       int limit) const;

  // Customers (and their vehicles) from a CSV or XLSX file: every bad row is reported with
  // its line (the sheet's row number), column and reason; then all good rows are written in
  // one transaction, or none.
  ImportReport import_file(const auth::Principal& p, std::string_view bytes,
                           const ImportOptions& options);
  static const std::vector<ImportField>& import_fields();
  // History (purchases, deliveries, repairs, visits, ...) from a CSV or XLSX file, with the
  // same mapping, dry run and all-or-nothing as customers: a row names its customer by code
  // or phone, its unit by code or name (else the customer's), its staff by username, its
  // amount in yuan or fen, its asset by plate or VIN. Every event written is published on
  // the outbox and moves its customer's classes, as through record_event.
  ImportReport import_events(const auth::Principal& p, std::string_view bytes,
                             const ImportOptions& options);
  static const std::vector<ImportField>& event_import_fields();
  // Assets of one type (`type`, its code) from a CSV or XLSX file, with the same mapping, dry
  // run and modes: a row names its customer by code or phone, its cells are the type's fields
  // (by key or label) checked as POST /customers/{id}/assets checks them; vehicles' plates
  // and VINs must be new, other rows must not repeat one of the file for the same customer.
  // The commit rewrites the customers' search rows, completeness and classes; no events, as
  // for an asset added by hand.
  ImportReport import_assets(const auth::Principal& p, std::string_view bytes,
                             const ImportOptions& options, const std::string& type);
  // The fields an assets file of that type can fill: the customer's code and phone, then the
  // type's fields (422 on `type` when unknown or inactive).
  std::vector<ImportField> asset_import_fields(const auth::Principal& p, const std::string& type);
  // The file of a resumable upload to import (customer.write first, 403): the caller's own
  // upload (else 404), complete and its SHA-256 checked (else 422); the format is `format`
  // when given, else the file name's (.csv / .txt → csv, .xlsx → xlsx, other → 415).
  ImportFile import_upload(const auth::Principal& p, const std::string& upload_id,
                           const std::optional<std::string>& format);

  // The caller's filtered list (same filters, scope and phone masking as list()) as a CSV
  // (UTF-8 with BOM) or XLSX file; more than `max_rows` customers → 422.
  ExportFile export_list(const auth::Principal& p, const CustomerQuery& q,
                         const std::string& format, size_t max_rows = 200000);

  // Merges `from_id` into `into_id` (customer.admin or customer.merge; both in scope):
  // assets, events, phones (no repeats), tags and notes move to the survivor, registered
  // hooks re-point other modules' records, the merged customer is hidden and points at the
  // survivor. The audit keeps both before-images. Returns the survivor.
  CustomerView merge(const auth::Principal& p, int64_t from_id, int64_t into_id);
  // Undoes the last merge of `from_id`: what came from it goes back. Returns it.
  CustomerView unmerge(const auth::Principal& p, int64_t from_id);
  // A module's pair of hooks: what a merge moves, an unmerge moves back.
  void on_merge(MergeHook merge, UnmergeHook unmerge) {
    merge_hooks_.push_back(std::move(merge));
    unmerge_hooks_.push_back(std::move(unmerge));
  }

  // Classification and lifecycle (classes.cpp). Reading needs customer.read; changing,
  // dry runs and recomputation customer.classify_admin.
  std::vector<ClassificationView> classifications(const auth::Principal& p);
  ClassificationView classification(const auth::Principal& p, const std::string& code);
  // Saves a new version (audited) and starts recomputing everyone for it.
  ClassificationView save_classification(const auth::Principal& p, const Classification& c);
  ClassDryRun dry_run(const auth::Principal& p, const Classification& c);
  ClassRun recompute(const auth::Principal& p, const std::string& code);
  std::vector<ClassRun> class_runs(const auth::Principal& p);
  ClassCountsReport class_counts(const auth::Principal& p, const std::string& code,
                                 std::optional<int64_t> unit_id);
  // Job handlers, in the runner's transaction.
  void run_class_batch(db::Session& s, const std::string& payload_json);
  void run_nightly(db::Session& s);

  // Gives customers owners (customer.assign), all or nothing, one audit row per batch.
  AssignResult assign(const auth::Principal& p, const AssignRequest& in);

 private:
  // with_assets: the detail page's asset cards; lists leave them out (no query per row).
  CustomerView view(const auth::Principal& p, db::Session& s, Customer c,
                    bool with_assets = true) const;
  BatchResult record(const auth::Principal& p, const std::vector<EventInput>& in, bool indexed);
  std::vector<FieldError> validate_event(db::Session& s, const auth::Principal& p,
                                         const EventInput& in, const std::string& prefix,
                                         int64_t now, const std::set<int64_t>& units_in_scope,
                                         Customer* customer_out, std::string* asset_type_out);

  // The customer ids the list shows for these filters (up to `cap` + 1).
  std::vector<int64_t> matching_ids(const auth::Principal& p, const CustomerQuery& q, size_t cap);
  // The store's filter for the list's query; false when nothing can match (a unit outside
  // the scope, a search without terms). Checks the filters' values (422).
  bool filter_of(const auth::Principal& p, const CustomerQuery& q, store::Filter& f);

  // Puts these customers in their current classes (only changes are written); returns how
  // many classes changed. `only`: one classification, else every active one.
  int64_t reclassify(db::Session& s, const std::vector<int64_t>& ids, int64_t now,
                     const std::string& only = "") const;
  // The same for the customers an import touched, 500 at a time (bounded statements).
  void reclassify_touched(db::Session& s, const std::set<int64_t>& ids, int64_t now);
  // The classes of views about to be returned (blank classes filled in).
  void fill_classes(db::Session& s, const std::vector<CustomerView*>& views) const;
  std::map<std::string, std::string> classes_in(db::Session& s, int64_t customer_id) const;
  // Starts a recomputation in the caller's transaction (its first batch is a due job).
  ClassRun start_run(db::Session& s, const std::string& reason, const std::string& code,
                     std::optional<int64_t> by, int64_t now) const;
  std::vector<FieldError> check_classification_in(db::Session& s, const Classification& c) const;
  int64_t next_night(int64_t now) const;  // the next 02:00 in the company's zone
  // The active classifications, parsed once per change (every event and every rule's
  // customer read needs them); checked against a one-row stamp on each use.
  std::shared_ptr<const std::vector<Classification>> active_in(db::Session& s) const;

  db::Database& db_;
  const Clock& clock_;
  org::OrgService& org_;
  storage::Uploads* uploads_ = nullptr;
  std::vector<MergeHook> merge_hooks_;
  std::vector<UnmergeHook> unmerge_hooks_;
  int zone_offset_minutes_ = 480;
  std::function<void()> wake_jobs_;
  mutable std::mutex active_mu_;
  mutable std::string active_stamp_;
  mutable std::shared_ptr<const std::vector<Classification>> active_;
};

}  // namespace kefu::customers
