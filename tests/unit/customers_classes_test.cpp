// Classification and lifecycle: measures, operators, first match, the default class,
// validation of an admin's rules and time passing.
#include <gtest/gtest.h>

#include <algorithm>

#include "modules/customers/model.h"

using namespace kefu::customers;

namespace {

constexpr int64_t kDay = 24 * 3600 * 1000LL;
constexpr int64_t kNow = 1'780'000'000'000LL;

ClassCondition cond(std::string measure, std::vector<std::string> kinds, int days, std::string op,
                    std::vector<int64_t> values) {
  return {std::move(measure), std::move(kinds), days, "", "", std::move(op), std::move(values)};
}

History history() {
  History h;
  h.events = {{"purchase", kNow - 10 * kDay, 300000},
              {"repair", kNow - 40 * kDay, 50000},
              {"repair", kNow - 400 * kDay, 70000},
              {"visit", kNow - 2 * kDay, 0}};
  h.assets = {{"phone_line", {{"arpu_fen", 12000}}}, {"phone_line", {{"arpu_fen", 31000}}},
              {"vehicle", {}}};
  return h;
}

const Classification& preset(const std::string& code) {
  const auto& all = preset_classifications();
  return *std::find_if(all.begin(), all.end(), [&](const Classification& c) { return c.code == code; });
}

bool has_problem(const std::vector<RuleProblem>& ps, const std::string& field, const std::string& code) {
  return std::any_of(ps.begin(), ps.end(),
                     [&](const RuleProblem& p) { return p.field == field && p.code == code; });
}

}  // namespace

TEST(ClassMeasures, SpendSumsChosenKindsInTheWindow) {
  auto h = history();
  EXPECT_EQ(*measure_value(cond("spend", {"purchase", "repair"}, 365, ">=", {1}), h, kNow), 350000);
  EXPECT_EQ(*measure_value(cond("spend", {"purchase", "repair"}, 0, ">=", {1}), h, kNow), 420000);
  EXPECT_EQ(*measure_value(cond("spend", {}, 30, ">=", {1}), h, kNow), 300000);
  EXPECT_EQ(*measure_value(cond("spend", {"order"}, 365, ">=", {1}), h, kNow), 0);
}

TEST(ClassMeasures, EventCountAndDaysSince) {
  auto h = history();
  EXPECT_EQ(*measure_value(cond("event_count", {"repair"}, 0, ">=", {1}), h, kNow), 2);
  EXPECT_EQ(*measure_value(cond("event_count", {"repair"}, 365, ">=", {1}), h, kNow), 1);
  EXPECT_EQ(*measure_value(cond("days_since_last", {"repair"}, 0, ">=", {1}), h, kNow), 40);
  EXPECT_EQ(*measure_value(cond("days_since_first", {"repair"}, 0, ">=", {1}), h, kNow), 400);
  EXPECT_FALSE(measure_value(cond("days_since_last", {"delivery"}, 0, ">=", {1}), h, kNow));
  // Whole elapsed days: 39 days and 23 hours is 39.
  EXPECT_EQ(*measure_value(cond("days_since_last", {"repair"}, 0, ">=", {1}), h, kNow - 3600000), 39);
}

TEST(ClassMeasures, Assets) {
  auto h = history();
  ClassCondition lines{"asset_count", {}, 0, "phone_line", "", ">=", {1}};
  EXPECT_EQ(*measure_value(lines, h, kNow), 2);
  lines.asset_type = "";
  EXPECT_EQ(*measure_value(lines, h, kNow), 3);
  ClassCondition arpu{"asset_max", {}, 0, "phone_line", "arpu_fen", ">=", {30000}};
  EXPECT_EQ(*measure_value(arpu, h, kNow), 31000);
  arpu.attr = "plan";
  EXPECT_FALSE(measure_value(arpu, h, kNow));
}

TEST(ClassOperators, EachOperator) {
  auto h = history();
  auto with = [&](std::string op, std::vector<int64_t> v) {
    return holds(cond("event_count", {"repair"}, 0, std::move(op), std::move(v)), h, kNow);
  };
  EXPECT_TRUE(with("=", {2}));
  EXPECT_FALSE(with("=", {3}));
  EXPECT_TRUE(with("!=", {3}));
  EXPECT_TRUE(with("<", {3}));
  EXPECT_FALSE(with("<", {2}));
  EXPECT_TRUE(with("<=", {2}));
  EXPECT_TRUE(with(">", {1}));
  EXPECT_FALSE(with(">", {2}));
  EXPECT_TRUE(with(">=", {2}));
  EXPECT_TRUE(with("between", {2, 3}));  // lower bound included
  EXPECT_FALSE(with("between", {0, 2}));  // upper bound excluded
  EXPECT_TRUE(holds(cond("days_since_last", {"delivery"}, 0, "missing", {}), h, kNow));
  EXPECT_FALSE(holds(cond("days_since_last", {"delivery"}, 0, "exists", {}), h, kNow));
  EXPECT_TRUE(holds(cond("days_since_last", {"visit"}, 0, "exists", {}), h, kNow));
  // A missing value satisfies no comparison.
  EXPECT_FALSE(holds(cond("days_since_last", {"delivery"}, 0, ">=", {0}), h, kNow));
  EXPECT_FALSE(holds(cond("days_since_last", {"delivery"}, 0, "<", {100000}), h, kNow));
}

TEST(Classify, FirstMatchWinsThenDefault) {
  Classification c{"t", "测试", "Test", true,
                   {{"a", "A", "A", "#000000", {cond("event_count", {}, 0, ">=", {1})}},
                    {"b", "B", "B", "#000000", {cond("event_count", {}, 0, ">=", {2})}}},
                   {"z", "Z", "Z", "#000000", {}}};
  History two{{{"visit", kNow, 0}, {"visit", kNow, 0}}, {}};
  EXPECT_EQ(classify(c, two, kNow), "a");  // both hold: the first wins
  std::swap(c.classes[0], c.classes[1]);
  EXPECT_EQ(classify(c, two, kNow), "b");
  EXPECT_EQ(classify(c, History{}, kNow), "z");
  EXPECT_EQ(blank_class(c), "z");
}

TEST(Classify, AllConditionsMustHold) {
  const auto& life = preset("lifecycle");
  // Visited twice, never bought: a prospect, however long ago.
  History prospect{{{"visit_without_purchase", kNow - 300 * kDay, 0}}, {}};
  EXPECT_EQ(classify(life, prospect, kNow), "prospect");
  // Visited and bought: not a prospect.
  History buyer{{{"visit", kNow - 5 * kDay, 0}, {"purchase", kNow - 5 * kDay, 10000}}, {}};
  EXPECT_EQ(classify(life, buyer, kNow), "active");
}

TEST(Classify, TimePassingMovesActiveToAtRiskToChurned) {
  const auto& life = preset("lifecycle");
  int64_t last = kNow;
  History h{{{"purchase", last - 30 * kDay, 500000}, {"service", last, 0}}, {}};
  EXPECT_EQ(classify(life, h, last + 89 * kDay), "active");
  EXPECT_EQ(classify(life, h, last + 90 * kDay), "at_risk");
  EXPECT_EQ(classify(life, h, last + 179 * kDay), "at_risk");
  EXPECT_EQ(classify(life, h, last + 180 * kDay), "churned");
  EXPECT_EQ(blank_class(life), "new");
}

TEST(Classify, LoyalNeedsServicesAndSpend) {
  const auto& life = preset("lifecycle");
  History h{{{"service", kNow - 200 * kDay, 100000},
             {"repair", kNow - 100 * kDay, 200000},
             {"service", kNow - 10 * kDay, 250000}},
            {}};
  EXPECT_EQ(classify(life, h, kNow), "loyal");
  h.events[2].amount_fen = 100000;  // ¥4,000 in the year: active, not loyal
  EXPECT_EQ(classify(life, h, kNow), "active");
}

TEST(Classify, ValueTierBandsAndArpu) {
  const auto& tier = preset("value_tier");
  auto spend = [&](int64_t fen, int64_t days_ago) {
    return classify(tier, History{{{"purchase", kNow - days_ago * kDay, fen}}, {}}, kNow);
  };
  EXPECT_EQ(spend(5000000, 1), "vip");
  EXPECT_EQ(spend(4999999, 1), "high");
  EXPECT_EQ(spend(1000000, 1), "high");
  EXPECT_EQ(spend(200000, 1), "medium");
  EXPECT_EQ(spend(1, 1), "low");
  EXPECT_EQ(spend(5000000, 366), "none");  // outside the 12 months
  const auto& arpu = preset("arpu_tier");
  EXPECT_EQ(classify(arpu, history(), kNow), "butler");
  EXPECT_EQ(classify(arpu, History{{}, {{"phone_line", {{"arpu_fen", 5000}}}}}, kNow), "mass");
  EXPECT_EQ(classify(arpu, History{}, kNow), "no_line");
  EXPECT_TRUE(uses_assets(arpu));
  EXPECT_FALSE(uses_assets(tier));
}

TEST(ClassChecks, PresetsAreValid) {
  for (const auto& c : preset_classifications())
    EXPECT_TRUE(check_classification(c).empty()) << c.code;
}

TEST(ClassChecks, OneProblemPerBadField) {
  Classification c = preset("value_tier");
  c.code = "Bad Code";
  c.classes[0].conditions[0].measure = "mood";
  c.classes[1].conditions[0].op = "~";
  c.classes[2].conditions[0].values = {};
  c.classes[3].conditions[0].kinds = {"purchase", "teleport"};
  c.classes[3].colour = "red";
  auto ps = check_classification(c);
  EXPECT_TRUE(has_problem(ps, "code", "classify.code_invalid"));
  EXPECT_TRUE(has_problem(ps, "classes[0].conditions[0].measure", "classify.measure_unknown"));
  EXPECT_TRUE(has_problem(ps, "classes[1].conditions[0].op", "classify.op_unknown"));
  EXPECT_TRUE(has_problem(ps, "classes[2].conditions[0].values", "classify.values_count"));
  EXPECT_TRUE(has_problem(ps, "classes[3].conditions[0].kinds[1]", "classify.kind_unknown"));
  EXPECT_TRUE(has_problem(ps, "classes[3].colour", "classify.colour_invalid"));
  EXPECT_EQ(ps.size(), 6u);
}

TEST(ClassChecks, ValuesAndFits) {
  Classification c = preset("lifecycle");
  c.classes[1].conditions[0].values = {-1};
  c.classes[2].conditions[0].days = 30;  // days since has no window
  c.classes[3].conditions[0].op = "missing";  // a count is never missing
  c.classes[4].code = "prospect";             // repeated
  auto ps = check_classification(c);
  EXPECT_TRUE(has_problem(ps, "classes[1].conditions[0].values", "classify.value_negative"));
  EXPECT_TRUE(has_problem(ps, "classes[2].conditions[0].days", "classify.days_unfit"));
  EXPECT_TRUE(has_problem(ps, "classes[3].conditions[0].op", "classify.op_unfit"));
  EXPECT_TRUE(has_problem(ps, "classes[4].code", "classify.class_repeated"));
  Classification e = c;
  e.classes.clear();
  EXPECT_TRUE(has_problem(check_classification(e), "classes", "classify.classes_count"));
  Classification between = preset("value_tier");
  between.classes[0].conditions[0] = cond("spend", {}, 365, "between", {100, 50});
  EXPECT_TRUE(has_problem(check_classification(between), "classes[0].conditions[0].values",
                          "classify.between_order"));
}

TEST(ClassChecks, BandsOutOfOrderOrOverlapping) {
  Classification c = preset("value_tier");
  std::swap(c.classes[0], c.classes[1]);  // ≥ ¥10,000 before ≥ ¥50,000: VIP never wins
  EXPECT_TRUE(has_problem(check_classification(c), "classes[1].conditions[0].values",
                          "classify.band_unreachable"));
  Classification r = c;
  r.classes = {{"a", "A", "A", "#000000", {cond("spend", {}, 365, "between", {0, 100})}},
               {"b", "B", "B", "#000000", {cond("spend", {}, 365, "between", {50, 200})}}};
  EXPECT_TRUE(has_problem(check_classification(r), "classes[1].conditions[0].values",
                          "classify.band_overlap"));
  r.classes[1].conditions[0].values = {100, 200};  // adjacent bands are fine
  EXPECT_TRUE(check_classification(r).empty());
  r.classes[1].conditions[0] = cond("spend", {"purchase"}, 365, "between", {50, 200});
  EXPECT_TRUE(check_classification(r).empty());  // another measure: not a band of the first
}
