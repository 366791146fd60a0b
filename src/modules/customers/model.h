#pragma once
// Customer archive (客户档案): value types and pure rules — phone normalisation, asset type
// fields, completeness, event kinds and the outbox events they raise. Standard library only.
#include <cstdint>
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

// Events of a customer's history and the outbox event each raises for rules and KPIs.
inline const std::vector<std::string>& event_kinds() {
  static const std::vector<std::string> v = {
      "purchase", "delivery", "repair",  "service", "visit", "visit_without_purchase",
      "order",    "call",     "contact", "other"};
  return v;
}
std::string outbox_type(std::string_view event_kind, std::string_view asset_type);

// Completeness 0–100 and what is missing, so incomplete records can be listed per unit.
struct Completeness {
  int score = 0;
  std::vector<std::string> missing;  // "phone", "address", "birthday", "assets", "owner"
};
Completeness completeness(const Customer& c);

}  // namespace kefu::customers
