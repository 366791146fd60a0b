#pragma once
// Rules turn business events into work: a trigger (an outbox event type, a date field of
// the archive, or a schedule), conditions on the facts of the event, its customer and asset, a
// delay before the work is offered, a deadline, and an action that another module carries out
// (first: a callback task). This header is the pure part: what a rule is, how its conditions are
// checked against facts, which definitions are refused (unknown fields, wrong operators,
// cycles). Standard library only.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace kefu::rules {

// A fact is what a condition looks at: "event.amount_fen", "customer.tags",
// "asset.attrs.model". Lists are string lists (tags); numbers are int64 or double.
using FactValue =
    std::variant<std::monostate, int64_t, double, bool, std::string, std::vector<std::string>>;
using Facts = std::map<std::string, FactValue>;

// The type of a field in the catalogue, which decides the operators it accepts.
enum class FieldType { kText, kNumber, kBool, kList, kUnit, kDate };

struct Field {
  std::string key;  // "event.amount_fen"; a key ending in ".*" accepts any sub-key (attributes)
  FieldType type = FieldType::kText;
  std::string label_zh, label_en;
};

// A schedule: every day, every week on a weekday (1 = Monday .. 7 = Sunday), or every month
// on a day of the month (1..28, so that every month has it).
struct Schedule {
  std::string every;  // "" (no schedule) | "day" | "week" | "month"
  int on = 0;         // week: 1..7; month: 1..28; day: 0
};

// One of three kinds: an outbox event, a date field of the archive, or a schedule.
struct Trigger {
  std::string event;       // an outbox event type ("vehicle.delivered"), or ""
  std::string date_field;  // "customer.birthday" | "asset.insurance_expiry" | ...
  int days_before = 0;     // date triggers: fire this many days before the date
  Schedule schedule;
};

enum class TriggerKind { kNone, kEvent, kDate, kSchedule, kSeveral };
TriggerKind kind_of(const Trigger& t);
// The key rules are grouped by: the event type, "date:<field>" or "schedule".
std::string trigger_key(const Trigger& t);

// Operators: = != < <= > >= in not_in contains not_contains exists missing in_unit.
// `values` are text; numbers are compared as numbers. in_unit: the field (a unit id) lies in
// the subtree of one of the given unit ids (resolved to paths by the service).
struct Condition {
  std::string field;
  std::string op;
  std::vector<std::string> values;
};

// A span of time: wall-clock hours, or working days on the unit's calendar.
struct Span {
  std::string unit = "hours";  // "hours" | "working_days"
  int64_t amount = 0;
};

struct Definition {
  Trigger trigger;
  std::vector<Condition> conditions;
  Span delay;                       // the work is offered this long after the event
  Span due{"hours", 24};            // and is due this long after the event
  int priority = 0;                 // higher comes first among tasks due at the same time
  std::string action = "callback";  // the action type a module registered
  std::string params_json = "{}";   // the action's own parameters, checked by that module
};

struct Rule {
  int64_t id = 0;
  std::string code, name;
  int64_t unit_id = 0;  // scope: events in this unit's subtree
  std::string unit_path;
  bool active = true;
  int version = 1;
  Definition def;
  int64_t created_at = 0, updated_at = 0;
};

// A problem with a definition; `field` names the place ("conditions[2].field").
struct Problem {
  std::string field;
  std::string code;
  std::string param;  // e.g. the unknown field's name
};

// A date field a date trigger may name: the customer's birthday, or a field of type date of
// an asset type (asset types are the admin's, so the service lists them from the archive).
struct DateField {
  std::string key;  // "customer.birthday", "asset.insurance_expiry"
  std::string label_zh, label_en;
};
// How a date fires. An anniversary fires every year on its month and day (a birthday, a
// delivery date: the yearly maintenance reminder), from the first anniversary on; 29 February
// falls on 28 February in other years. An exact date fires once (an insurance expiry).
enum class DateKind { kAnniversary, kExact };
// Anniversaries are the dates that start something (birthday, delivery, move-in, purchase,
// opening, joining, keys ending in "_since"); any other date, an admin's own fields included,
// is exact: a yearly repeat of an end date would be work nobody asked for.
DateKind date_kind(std::string_view field);
const DateField& birthday_field();

// What a date field must hold for a rule `days_before` to fire on `fire_day` (days since
// 1970-01-01): for an exact date the day itself ("YYYY-MM-DD"), for an anniversary the
// month-days ("MM-DD"; on 28 February of a non-leap year also "02-29"). The store looks
// these up; `date_fires` then decides each value (the year of an anniversary).
struct DateLookup {
  DateKind kind = DateKind::kExact;
  int64_t target_day = 0;  // fire_day + days_before: the date the work is about
  std::vector<std::string> values;
};
DateLookup date_lookup(std::string_view field, int64_t fire_day, int days_before);
// Whether a date field's value ("YYYY-MM-DD") makes the rule fire on `fire_day`.
bool date_fires(std::string_view field, std::string_view value, int64_t fire_day, int days_before);
// Whether a schedule fires on `day` (days since 1970-01-01).
bool schedule_fires(const Schedule& s, int64_t day);

// The catalogue of triggers and the fields each offers (rules/catalogue.cpp).
struct TriggerInfo {
  std::string event;  // event type, "date:<field>" or "schedule"
  std::string label_zh, label_en;
  std::vector<Field> fields;
};
// The event triggers.
const std::vector<TriggerInfo>& catalogue();
// The time triggers: one per date field, then the schedule.
std::vector<TriggerInfo> time_triggers(const std::vector<DateField>& dates);
// The fields a trigger offers (event fields, then customer and asset fields); empty for an
// unknown trigger. `dates`: the date fields a date trigger may name.
std::vector<Field> fields_for(const Trigger& t, const std::vector<DateField>& dates = {});
std::optional<Field> find_field(const std::vector<Field>& fields, std::string_view key);
bool valid_op(std::string_view op);
bool op_fits(std::string_view op, FieldType type);

// Every problem of a definition: unknown trigger, unknown field, operator that does not fit
// the field, values missing or not numbers, spans out of range, a schedule that is not one.
// `dates`: the date fields a date trigger may name (the birthday and the asset types' dates).
std::vector<Problem> check(const Definition& d, const std::vector<DateField>& dates = {});

// Whether the conditions hold. `unit_paths` maps the unit ids named by in_unit conditions to
// their paths; `fact_paths` gives the path of each unit-valued fact ("event.unit_id" →
// "/1/4/").
// With `prefix` ("event."), only the conditions on fields under it are checked: the service
// checks the event's own fields first and reads the customer only for events that pass.
bool matches(const Definition& d, const Facts& facts,
             const std::map<std::string, std::string>& unit_paths, std::string_view prefix = {});

// Cycles: an action emits event types; a rule triggered by an event its own chain of actions
// emits would feed itself forever. `edges` are (trigger event, events the action emits) per
// rule; true when they contain a cycle.
bool has_cycle(const std::vector<std::pair<std::string, std::vector<std::string>>>& edges);

// "YYYY-MM-DD" moved by `days` (negative: earlier); empty when `ymd` is not a date.
std::string add_days(std::string_view ymd, int days);

// Parses "123", "-4", "1.5" as a number.
std::optional<double> number(std::string_view s);

}  // namespace kefu::rules
