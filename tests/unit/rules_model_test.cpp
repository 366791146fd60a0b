// The rules engine's pure part: definitions refused for each kind of mistake, conditions
// over facts, cycles between rules.
#include <gtest/gtest.h>

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
  d.conditions = {{"customer.shoe_size", "=", {"40"}},
                  {"event.amount_fen", "like", {"1"}},
                  {"event.amount_fen", "contains", {"1"}},
                  {"event.amount_fen", ">", {"many"}},
                  {"customer.may_call", "=", {"maybe"}},
                  {"event.kind", "=", {}}};
  EXPECT_EQ(codes(check(d)),
            (std::vector<std::string>{"conditions[0].field:rules.field_unknown",
                                      "conditions[1].op:rules.op_unknown",
                                      "conditions[2].op:rules.op_unfit",
                                      "conditions[3].values:rules.number_value",
                                      "conditions[4].values:rules.bool_value",
                                      "conditions[5].values:field.required"}));
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
  EXPECT_FALSE(has_cycle({{"vehicle.delivered", {"callback.created"}},
                          {"ticket.closed", {"callback.created"}}}));
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
