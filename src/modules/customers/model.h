#pragma once
// Customer archive (客户档案): value types and pure rules — phone normalisation, asset type
// fields, completeness, event kinds and the outbox events they raise. Standard library only.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kefu::customers {

enum class Kind { kPerson, kOrganisation };
std::optional<Kind> parse_kind(std::string_view s);
std::string_view to_string(Kind k);

inline const std::vector<std::string>& genders() {
  static const std::vector<std::string> v = {"male", "female", "unknown"};
  return v;
}
inline const std::vector<std::string>& sources() {
  static const std::vector<std::string> v = {"walk_in", "hotline",  "web",     "referral",
                                             "import",  "campaign", "partner", "other"};
  return v;
}
bool one_of(const std::vector<std::string>& allowed, std::string_view v);
// Sources in Chinese, as exports show them and imports accept them besides the codes.
std::string source_label(std::string_view code);              // "walk_in" → "到店"
std::optional<std::string> source_of(std::string_view text);  // "到店" / "walk_in" → "walk_in"

// Phone numbers as people type them: "+86 138-1234-5678", "0086 13812345678",
// "(021) 6123 4567". Returns the normalised form (mainland mobile: 11 digits; landline:
// "021-61234567") or nullopt when it is not a plausible Chinese number.
std::optional<std::string> normalise_phone(std::string_view raw);
bool is_mobile(std::string_view normalised);

// "YYYY-MM-DD", a real calendar date.
bool valid_date(std::string_view s);
// "HH:MM", 00:00–23:59.
bool valid_clock_time(std::string_view s);

struct Phone {
  std::string number;  // normalised
  std::string label;   // "mobile", "home", "work" ...
  bool primary = false;
};

struct Customer {
  int64_t id = 0;
  std::string code;  // C000123: stable, per company
  Kind kind = Kind::kPerson;
  std::string name;
  std::string gender = "unknown";
  std::string birthday;  // YYYY-MM-DD or ""
  std::string email;
  std::string address;
  std::string source = "other";
  int64_t unit_id = 0;
  std::string unit_path;
  std::optional<int64_t> owner_id;
  std::vector<std::string> tags;
  bool may_call = true;
  bool may_text = true;
  bool may_email = true;  // survey links and other messages by email (apart from SMS)
  std::string quiet_start;  // "HH:MM" or "" (the company's default window applies)
  std::string quiet_end;
  std::string notes;
  std::vector<Phone> phones;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  int64_t asset_count = 0;
  std::optional<int64_t> merged_into;  // merged into this customer: hidden, read-only
};

std::string customer_code(int64_t id);

// A field of an asset type: what it is called, its kind and whether it is required.
struct AssetField {
  std::string key;
  std::string label_zh;
  std::string label_en;
  std::string type;  // text, date, integer, money (fen), phone, enum
  bool required = false;
  std::vector<std::string> options;  // for enum
};

struct AssetType {
  std::string code;  // vehicle, property_unit, phone_line, securities_account, shop_account, ...
  std::string name_zh;
  std::string name_en;
  std::vector<AssetField> fields;
  bool active = true;
};

// The presets shipped for the industries of the seeds; admins add their own.
const std::vector<AssetType>& preset_asset_types();

// One problem with one field of an asset's attributes.
struct AttrProblem {
  std::string key;
  std::string code;  // "field.required", "field.invalid", "field.wrong_type", "field.unknown"
};
// Checks attribute values given as (key, value-as-text, is_string_or_number) against the type.
struct AttrValue {
  std::string key;
  std::string text;
  bool is_number = false;
  bool is_string = false;
};
std::vector<AttrProblem> check_attributes(const AssetType& type,
                                          const std::vector<AttrValue>& values);

// What a person sees in lists: "沪A12345 大众帕萨特" for a vehicle, "3栋2单元1201" for a flat.
std::string asset_label(const AssetType& type, const std::vector<AttrValue>& values);

// ---- Reading assets from a spreadsheet (the assets import) ----
// The column titles a file may give the type's fields: each key, Chinese and English label,
// and each label without its bracketed unit ("车架号(VIN)" → "车架号"), so that a type an admin
// made imports without code changes. Title → field key; a title two fields share is left out.
std::map<std::string, std::string> asset_column_titles(const AssetType& type);
// A cell as the single-asset API would receive it: integer and money fields as numbers when
// they read as whole numbers ("12,800", "12800.00" as Excel writes it), dates as people type
// them made YYYY-MM-DD, phones normalised; check_attributes then judges it.
AttrValue asset_cell_value(const AssetField& field, std::string_view text);
// What tells two assets of one customer apart in lists: the values of the type's text and
// phone fields (those that make the label), e.g. building + unit + room.
std::string asset_identity(const AssetType& type, const std::vector<AttrValue>& values);

// Dates as people type them: 1985-03-02, 1985/3/2, 1985.3.2, 1985年3月2日 → 1985-03-02.
// Anything else is returned as it is (and refused by valid_date).
std::string normalise_date(std::string_view text);
// Yes or no as a spreadsheet says it: 是/否, 允许/不允许, Y/N, yes/no, true/false, 1/0.
std::optional<bool> yes_no_of(std::string_view text);

// For date triggers (the rules module): who holds a date — customers by birthday
// (`asset_types` empty) or assets of those types by the attribute `key` — under `unit_path`,
// after the cursor (customer id / asset id), in its order. The value (its "MM-DD" part when
// `month_day`) must be one of `values`.
struct DateQuery {
  std::vector<std::string> asset_types;
  std::string key;
  std::vector<std::string> values;
  bool month_day = false;
  std::string unit_path;
  int64_t after = 0;
  int limit = 500;
};
struct DateHolder {
  int64_t cursor = 0, customer_id = 0;
  std::optional<int64_t> asset_id;
  std::string date;
};

// Events of a customer's history and the outbox event each raises for rules and KPIs.
inline const std::vector<std::string>& event_kinds() {
  static const std::vector<std::string> v = {
      "purchase", "delivery", "repair",  "service", "visit", "visit_without_purchase",
      "order",    "call",     "contact", "other"};
  return v;
}
std::string outbox_type(std::string_view event_kind, std::string_view asset_type);

// ---- Reading history from a spreadsheet (the events import) ----
// An event kind as a file names it: its code (any case) or its Chinese name (购买, 交车,
// 维修, 保养, 到店, 到店未购, 订单, 来电, 联系, 其他, and a few synonyms).
std::optional<std::string> event_kind_of(std::string_view text);
// Money in yuan as people type it — "128", "128.5", "128.50", "¥1,280.00", "1280元" — in
// fen, exactly (digit by digit, no floating point). A sign, more than two decimals, misplaced
// separators or more than 10^15 fen → nullopt.
std::optional<int64_t> yuan_to_fen(std::string_view text);
// A whole number of fen ("12800", "12,800", "12800.00" as Excel may write it) → nullopt for
// anything else.
std::optional<int64_t> parse_fen(std::string_view text);
// A local date and time as people type it — 2026-03-01 14:30, 2026/3/1 14:30:05,
// 2026-03-01T14:30, 2026年3月1日 14时30分, or a date alone (midnight) — as epoch ms for a zone
// `offset_minutes` east of UTC. Impossible dates (02-30) and times (24:00) → nullopt.
std::optional<int64_t> parse_local_time(std::string_view text, int offset_minutes);

// Completeness 0–100 and what is missing, so incomplete records can be listed per unit.
struct Completeness {
  int score = 0;
  std::vector<std::string> missing;  // "phone", "address", "birthday", "assets", "owner"
};
Completeness completeness(const Customer& c);

// ---- Classification and lifecycle (客户分类 / 生命周期) ----
// A classification is a computed field (value tier, visit frequency, lifecycle) with an
// ordered list of classes; each class holds when all its conditions hold over measures of
// the customer's history, the first such class wins, else the default class.

// What the measures read: the customer's events and assets (numbers of their attributes).
struct HistoryEvent {
  std::string kind;
  int64_t occurred_at = 0;
  int64_t amount_fen = 0;
};
struct HistoryAsset {
  std::string type;
  std::map<std::string, int64_t> numbers;  // the asset's integer attributes (arpu_fen, ...)
};
struct History {
  std::vector<HistoryEvent> events;
  std::vector<HistoryAsset> assets;
  bool empty() const { return events.empty() && assets.empty(); }
};

// The measures a condition can test. Windowed ones look at the last `days` days (0 = all
// time); "days since" counts whole elapsed days (24 h), the same in every time zone.
struct MeasureInfo {
  // spend, event_count, days_since_last, days_since_first, asset_count, asset_max
  std::string code;
  std::string label_zh;
  std::string label_en;
  std::string unit;             // fen, count, days, number
  bool windowed = false;        // takes `days`
  bool by_kind = false;         // takes `kinds` (empty = every kind)
  bool by_asset = false;        // takes `asset_type` (and `attr` for asset_max)
  bool may_be_missing = false;  // no such event / asset: only `missing` / `exists` hold
};
const std::vector<MeasureInfo>& measures();
const MeasureInfo* find_measure(std::string_view code);
// "=", "!=", "<", "<=", ">", ">=", "between" (lo <= x < hi), "missing", "exists".
const std::vector<std::string>& class_operators();

struct ClassCondition {
  std::string measure;
  std::vector<std::string> kinds;
  int days = 0;
  std::string asset_type;
  std::string attr;
  std::string op;
  std::vector<int64_t> values;
};

struct ClassDef {
  std::string code;
  std::string label_zh;
  std::string label_en;
  std::string colour;                      // "#rrggbb"
  std::vector<ClassCondition> conditions;  // all must hold; the default class has none
};

struct Classification {
  std::string code;  // value_tier, visit_frequency, lifecycle, ...
  std::string label_zh;
  std::string label_en;
  bool active = true;
  std::vector<ClassDef> classes;  // in order: the first that holds wins
  ClassDef fallback;              // the default class
};

std::optional<int64_t> measure_value(const ClassCondition& c, const History& h, int64_t now_ms);
bool holds(const ClassCondition& c, const History& h, int64_t now_ms);
// The code of the class the history falls in.
const std::string& classify(const Classification& c, const History& h, int64_t now_ms);
// The class of a customer with no events and no assets. Customers without history are
// not stored: reading "no row" as this class keeps imports free of classification work.
const std::string& blank_class(const Classification& c);
bool uses_assets(const Classification& c);
const ClassDef* find_class(const Classification& c, std::string_view code);

// One problem with one field of a classification ("classes[1].conditions[0].op").
struct RuleProblem {
  std::string field;
  std::string code;
};
std::vector<RuleProblem> check_classification(const Classification& c);

// Presets written from the seeds: value tier by 12-month spend, ARPU tier (telecom), visit
// frequency, lifecycle (prospect, churned after 6 months without a visit, at risk, loyal,
// active, new).
const std::vector<Classification>& preset_classifications();

}  // namespace kefu::customers
