// The rules engine's pure part: definitions refused for each kind of mistake, conditions
// over facts, cycles between rules, and when date and schedule triggers fire.
#include <gtest/gtest.h>

#include "modules/calendar/model.h"
#include "modules/rules/model.h"

namespace kefu::rules {
namespace {

Definition delivery() {
  Definition d;
  d.trigger.event = "vehicle.delivered";
  d.due = {"hours", 24};
  return d;
}

std::vector<std::string> codes(const std::vector<Problem>& ps) {
  std::vector<std::string> out;
  for (const auto& p : ps) out.push_back(p.field + ":" + p.code);
  return out;
}

TEST(RulesCheck, AGoodDefinitionHasNoProblems) {
  Definition d = delivery();
  d.conditions = {{"event.amount_fen", ">=", {"10000000"}},
                  {"customer.tags", "contains", {"VIP"}},
                  {"asset.attrs.model", "in", {"帕萨特", "途观"}},
                  {"event.unit_id", "in_unit", {"4"}},
                  {"customer.may_call", "=", {"true"}}};
  EXPECT_TRUE(check(d).empty()) << ::testing::PrintToString(codes(check(d)));
}

TEST(RulesCheck, EachMistakeIsNamed) {
  Definition d;
  d.trigger.event = "vehicle.exploded";
  EXPECT_EQ(codes(check(d)), std::vector<std::string>{"trigger.event:rules.trigger_unknown"});

  d = delivery();
  d.conditions = {{"customer.shoe_size", "=", {"40"}},     {"event.amount_fen", "like", {"1"}},
                  {"event.amount_fen", "contains", {"1"}}, {"event.amount_fen", ">", {"many"}},
                  {"customer.may_call", "=", {"maybe"}},   {"event.kind", "=", {}}};
  EXPECT_EQ(codes(check(d)),
            (std::vector<std::string>{
                "conditions[0].field:rules.field_unknown", "conditions[1].op:rules.op_unknown",
                "conditions[2].op:rules.op_unfit", "conditions[3].values:rules.number_value",
                "conditions[4].values:rules.bool_value", "conditions[5].values:field.required"}));
  d = delivery();
  d.delay = {"fortnights", 1};
  d.due = {"working_days", 400};
  d.priority = 12;
  EXPECT_EQ(codes(check(d)),
            (std::vector<std::string>{"delay.unit:rules.span_unit", "due.amount:rules.span_range",
                                      "priority:rules.priority_range"}));
  d = delivery();
  d.trigger.date_field = "customer.birthday";  // both at once
  EXPECT_EQ(codes(check(d)), std::vector<std::string>{"trigger:rules.trigger_one"});
  d = delivery();
  d.trigger.schedule = {"day", 0};
  EXPECT_EQ(codes(check(d)), std::vector<std::string>{"trigger:rules.trigger_one"});
  d.trigger = {};
  EXPECT_EQ(codes(check(d)), std::vector<std::string>{"trigger:rules.trigger_one"});
}

// ------------------------------------------------------------ date and schedule triggers

const std::vector<DateField> kAssetDates = {
    {"asset.insurance_expiry", "保险到期日", "Insurance expiry"},
    {"asset.delivery_date", "交车日期", "Delivery date"}};

Definition on_date(const std::string& field, int days_before) {
  Definition d;
  d.trigger.date_field = field;
  d.trigger.days_before = days_before;
  return d;
}

Definition every(const std::string& every, int on) {
  Definition d;
  d.trigger.schedule = {every, on};
  return d;
}

int64_t day(const char* ymd) {
  return *calendar::parse_date(ymd);  // days since 1970-01-01
}

TEST(RulesTimeCheck, DateFieldsSchedulesAndTheirMistakes) {
  EXPECT_TRUE(check(on_date("customer.birthday", 0)).empty()) << "the birthday is always known";
  EXPECT_TRUE(check(on_date("asset.insurance_expiry", 30), kAssetDates).empty());
  EXPECT_EQ(codes(check(on_date("asset.insurance_expiry", 30))),
            std::vector<std::string>{"trigger.date_field:rules.trigger_unknown"})
      << "no asset type has that date";
  EXPECT_EQ(codes(check(on_date("customer.birthday", -1))),
            std::vector<std::string>{"trigger.days_before:rules.days_before_range"});
  EXPECT_EQ(codes(check(on_date("customer.birthday", 367))),
            std::vector<std::string>{"trigger.days_before:rules.days_before_range"});

  EXPECT_TRUE(check(every("day", 0)).empty());
  EXPECT_TRUE(check(every("week", 1)).empty());
  EXPECT_TRUE(check(every("week", 7)).empty());
  EXPECT_TRUE(check(every("month", 28)).empty());
  EXPECT_EQ(codes(check(every("fortnight", 1))),
            std::vector<std::string>{"trigger.schedule.every:rules.schedule_every"});
  EXPECT_EQ(codes(check(every("week", 8))),
            std::vector<std::string>{"trigger.schedule.on:rules.schedule_weekday"});
  EXPECT_EQ(codes(check(every("week", 0))),
            std::vector<std::string>{"trigger.schedule.on:rules.schedule_weekday"});
  EXPECT_EQ(codes(check(every("month", 29))),
            std::vector<std::string>{"trigger.schedule.on:rules.schedule_monthday"})
      << "not every month has a 29th";
  EXPECT_EQ(codes(check(every("day", 3))),
            std::vector<std::string>{"trigger.schedule.on:rules.schedule_on_day"});
}

TEST(RulesTimeCheck, ConditionsOnTimeTriggersSeeTheCustomerAndTheAsset) {
  Definition d = every("month", 1);
  d.conditions = {{"customer.class.value", "=", {"vip"}}, {"customer.may_call", "=", {"true"}}};
  EXPECT_TRUE(check(d).empty());
  d.conditions = {{"event.amount_fen", ">", {"1"}}, {"asset.attrs.model", "=", {"x"}}};
  EXPECT_EQ(codes(check(d)), (std::vector<std::string>{"conditions[0].field:rules.field_unknown",
                                                       "conditions[1].field:rules.field_unknown"}))
      << "a schedule has no event and no asset";
  d = on_date("asset.insurance_expiry", 30);
  d.conditions = {{"asset.type", "=", {"vehicle"}}, {"asset.attrs.model", "=", {"途观"}}};
  EXPECT_TRUE(check(d, kAssetDates).empty());
}

TEST(RulesTimeKinds, AnniversariesAndExactDates) {
  EXPECT_EQ(date_kind("customer.birthday"), DateKind::kAnniversary);
  EXPECT_EQ(date_kind("asset.delivery_date"), DateKind::kAnniversary);
  EXPECT_EQ(date_kind("asset.move_in_date"), DateKind::kAnniversary);
  EXPECT_EQ(date_kind("asset.member_since"), DateKind::kAnniversary);
  EXPECT_EQ(date_kind("asset.insurance_expiry"), DateKind::kExact);
  EXPECT_EQ(date_kind("asset.contract_end"), DateKind::kExact) << "an admin's own field";
  auto names = [](const std::vector<TriggerInfo>& t) {
    std::vector<std::string> out;
    for (const auto& i : t) out.push_back(i.event);
    return out;
  };
  EXPECT_EQ(names(time_triggers(kAssetDates)),
            (std::vector<std::string>{"date:customer.birthday", "date:asset.insurance_expiry",
                                      "date:asset.delivery_date", "schedule"}));
}

TEST(RulesTimeMatch, BirthdaysEveryYearFromTheFirst) {
  EXPECT_TRUE(date_fires("customer.birthday", "1985-03-15", day("2026-03-15"), 0));
  EXPECT_FALSE(date_fires("customer.birthday", "1985-03-15", day("2026-03-14"), 0))
      << "not the day before";
  EXPECT_TRUE(date_fires("customer.birthday", "1985-03-15", day("2026-03-12"), 3));
  EXPECT_FALSE(date_fires("customer.birthday", "2026-03-15", day("2026-03-15"), 0))
      << "the day itself is no anniversary";
  EXPECT_FALSE(date_fires("customer.birthday", "", day("2026-03-15"), 0));
  EXPECT_FALSE(date_fires("customer.birthday", "1985-3-15", day("2026-03-15"), 0));
}

TEST(RulesTimeMatch, TheTwentyNinthOfFebruary) {
  // Born on a leap day: 28 February in other years, 29 February in leap years (only then).
  EXPECT_TRUE(date_fires("customer.birthday", "2000-02-29", day("2026-02-28"), 0));
  EXPECT_FALSE(date_fires("customer.birthday", "2000-02-29", day("2026-03-01"), 0));
  EXPECT_TRUE(date_fires("customer.birthday", "2000-02-29", day("2028-02-29"), 0));
  EXPECT_FALSE(date_fires("customer.birthday", "2000-02-29", day("2028-02-28"), 0));
  EXPECT_TRUE(date_fires("customer.birthday", "2001-02-28", day("2028-02-28"), 0));
  auto look = date_lookup("customer.birthday", day("2026-02-28"), 0);
  EXPECT_EQ(look.values, (std::vector<std::string>{"02-28", "02-29"}));
  look = date_lookup("customer.birthday", day("2028-02-28"), 0);
  EXPECT_EQ(look.values, std::vector<std::string>{"02-28"});
  look = date_lookup("customer.birthday", day("2026-02-25"), 3);
  EXPECT_EQ(look.values, (std::vector<std::string>{"02-28", "02-29"})) << "3 days before";
}

TEST(RulesTimeMatch, DaysBeforeAcrossTheYearEnd) {
  // 3 days before 1 January fires on 29 December of the year before.
  EXPECT_TRUE(date_fires("customer.birthday", "1990-01-01", day("2026-12-29"), 3));
  EXPECT_FALSE(date_fires("customer.birthday", "1990-01-01", day("2026-12-28"), 3));
  EXPECT_FALSE(date_fires("customer.birthday", "1990-01-01", day("2026-12-30"), 3));
  auto look = date_lookup("customer.birthday", day("2026-12-29"), 3);
  EXPECT_EQ(look.values, std::vector<std::string>{"01-01"});
  EXPECT_EQ(look.target_day, day("2026-12-29") + 3);
  EXPECT_TRUE(date_fires("asset.insurance_expiry", "2027-01-01", day("2026-12-29"), 3));
  EXPECT_TRUE(date_fires("customer.birthday", "2026-01-01", day("2026-12-29"), 3))
      << "the first birthday falls in the next year";
}

TEST(RulesTimeMatch, ExactDatesFireOnce) {
  EXPECT_TRUE(date_fires("asset.insurance_expiry", "2026-12-15", day("2026-11-15"), 30));
  EXPECT_FALSE(date_fires("asset.insurance_expiry", "2025-12-15", day("2025-11-15") + 365, 30))
      << "no repeat a year later";
  EXPECT_FALSE(date_fires("asset.insurance_expiry", "2026-12-16", day("2026-11-15"), 30));
  auto look = date_lookup("asset.insurance_expiry", day("2026-11-15"), 30);
  EXPECT_EQ(look.kind, DateKind::kExact);
  EXPECT_EQ(look.values, std::vector<std::string>{"2026-12-15"});
  // The delivery date is an anniversary: the yearly maintenance reminder.
  EXPECT_TRUE(date_fires("asset.delivery_date", "2024-06-01", day("2026-05-25"), 7));
}

TEST(RulesTimeMatch, Schedules) {
  // 2026-11-02 is a Monday; 2026-11-01 a Sunday.
  EXPECT_TRUE(schedule_fires({"day", 0}, day("2026-11-01")));
  EXPECT_TRUE(schedule_fires({"week", 1}, day("2026-11-02")));
  EXPECT_FALSE(schedule_fires({"week", 1}, day("2026-11-03")));
  EXPECT_TRUE(schedule_fires({"week", 7}, day("2026-11-01")));
  EXPECT_TRUE(schedule_fires({"month", 1}, day("2026-11-01")));
  EXPECT_TRUE(schedule_fires({"month", 1}, day("2027-01-01")));
  EXPECT_FALSE(schedule_fires({"month", 1}, day("2026-11-02")));
  EXPECT_TRUE(schedule_fires({"month", 28}, day("2026-02-28")));
  EXPECT_FALSE(schedule_fires({"", 0}, day("2026-11-01")));
  EXPECT_EQ(trigger_key(every("week", 1).trigger), "schedule");
  EXPECT_EQ(trigger_key(on_date("customer.birthday", 0).trigger), "date:customer.birthday");
}

TEST(RulesMatch, ConditionsOverFacts) {
  Definition d = delivery();
  d.conditions = {{"event.amount_fen", ">=", {"10000000"}},
                  {"customer.tags", "contains", {"VIP"}},
                  {"event.unit_id", "in_unit", {"4"}}};
  Facts f = {{"event.amount_fen", int64_t(15000000)},
             {"customer.tags", std::vector<std::string>{"VIP", "老客户"}},
             {"event.unit_id", int64_t(9)},
             {"event.unit_id.path", std::string("/1/4/9/")}};
  std::map<std::string, std::string> units = {{"4", "/1/4/"}};
  EXPECT_TRUE(matches(d, f, units));
  f["event.amount_fen"] = int64_t(9999999);
  EXPECT_FALSE(matches(d, f, units));
  f["event.amount_fen"] = int64_t(10000000);
  f["event.unit_id.path"] = std::string("/1/5/9/");
  EXPECT_FALSE(matches(d, f, units)) << "another region";
  f["event.unit_id.path"] = std::string("/1/4/9/");
  f["customer.tags"] = std::vector<std::string>{};
  EXPECT_FALSE(matches(d, f, units));
}

TEST(RulesMatch, MissingFactsAndNegations) {
  Definition d = delivery();
  d.conditions = {{"asset.attrs.model", "!=", {"帕萨特"}}, {"customer.source", "missing", {}}};
  EXPECT_TRUE(matches(d, {}, {})) << "absent facts are not equal to anything";
  d.conditions = {{"asset.attrs.model", "=", {"帕萨特"}}};
  EXPECT_FALSE(matches(d, {}, {}));
  d.conditions = {{"customer.may_call", "=", {"false"}}};
  EXPECT_TRUE(matches(d, {{"customer.may_call", false}}, {}));
  d.conditions = {{"asset.attrs.insurance_expiry", "<", {"2026-12-01"}}};
  EXPECT_TRUE(matches(d, {{"asset.attrs.insurance_expiry", std::string("2026-11-30")}}, {}))
      << "dates compare as text";
}

TEST(RulesCycle, ARuleFedByItsOwnActionIsACycle) {
  EXPECT_FALSE(has_cycle(
      {{"vehicle.delivered", {"callback.created"}}, {"ticket.closed", {"callback.created"}}}));
  EXPECT_TRUE(has_cycle({{"callback.created", {"callback.created"}}}));
  EXPECT_TRUE(has_cycle({{"a", {"b"}}, {"b", {"c"}}, {"c", {"a"}}}));
  EXPECT_FALSE(has_cycle({{"a", {"b"}}, {"b", {"c"}}}));
}

TEST(RulesDates, AddDays) {
  EXPECT_EQ(add_days("2026-02-27", 2), "2026-03-01");
  EXPECT_EQ(add_days("2024-02-28", 1), "2024-02-29");
  EXPECT_EQ(add_days("2026-13-01", 1), "");
}

}  // namespace
}  // namespace kefu::rules
