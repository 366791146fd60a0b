// Questionnaires: definition checks, answer validation with skip logic, weighted scores on the
// 100 and 1000 scales, the satisfied verdict, and the shipped presets.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "modules/surveys/model.h"

namespace kefu::surveys {
namespace {

Question scale_q(std::string code, int lo, int hi, std::string dim = "", double w = 1) {
  Question q;
  q.code = std::move(code);
  q.text = "打分 " + q.code;
  q.type = "scale";
  q.scale_min = lo;
  q.scale_max = hi;
  q.dimension = std::move(dim);
  q.weight = w;
  return q;
}

Question typed(std::string code, std::string type) {
  Question q;
  q.code = std::move(code);
  q.text = "问题 " + q.code;
  q.type = std::move(type);
  return q;
}

// A: q1 (0–10, w1) and q2 (1–5, w3); B: q6 (0–10). q3 yes/no (fault_fixed), q4 shown only
// when q3 = no, q5 multi, q7 hotline, q8 the overall verdict, q9 the complaint.
Questionnaire sample(int scale = 100) {
  Questionnaire q;
  q.code = "sample";
  q.name = "样例问卷";
  q.channel = "after_sales";
  q.scale = scale;
  q.dimensions = {{"A", "维度甲", 2}, {"B", "维度乙", 1}};
  Question q1 = scale_q("q1", 0, 10, "A", 1);
  q1.required = true;
  q1.dissatisfied_at_or_below = 4;
  q1.department = "sales";
  Question q2 = scale_q("q2", 1, 5, "A", 3);
  q2.department = "workshop";
  q2.dissatisfied_at_or_below = 2;
  Question q3 = typed("q3", "yes_no");
  q3.required = true;
  q3.dissatisfied_when = false;
  q3.role = "fault_fixed";
  q3.department = "workshop";
  Question q4 = typed("q4", "single");
  q4.options = {{"good", "好", false}, {"bad", "差", true}};
  q4.required = true;
  q4.show_if = ShowIf{"q3", {"no"}};
  q4.department = "wash";
  Question q5 = typed("q5", "multi");
  q5.options = {{"x", "甲", false}, {"y", "乙", false}, {"z", "丙", true}};
  q5.department = "store";
  Question q6 = scale_q("q6", 0, 10, "B");
  q6.required = true;
  Question q7 = typed("q7", "yes_no");
  q7.role = "hotline_told";
  Question q8 = scale_q("q8", 0, 10);
  q8.role = "overall";
  q8.required = true;
  q8.dissatisfied_at_or_below = 6;
  q8.department = "service_desk";
  Question q9 = typed("q9", "text");
  q9.role = "complaint";
  q9.department = "service_desk";
  q.questions = {q1, q2, q3, q4, q5, q6, q7, q8, q9};
  return q;
}

Answers good() {
  return {{"q1", int64_t{8}}, {"q2", int64_t{4}}, {"q3", true},
          {"q6", int64_t{5}}, {"q7", true},       {"q8", int64_t{9}}};
}

std::map<std::string, std::string> by_field(const std::vector<Problem>& ps) {
  std::map<std::string, std::string> out;
  for (const auto& p : ps) out[p.field] = p.code;
  return out;
}

double dim(const Scored& s, const std::string& code) {
  for (const auto& d : s.dimensions)
    if (d.code == code) return d.index;
  ADD_FAILURE() << "no dimension " << code;
  return -1;
}

TEST(SurveyCheck, SampleIsValid) {
  EXPECT_TRUE(check(sample()).empty());
  EXPECT_TRUE(validate(sample(), good()).empty());
}

TEST(SurveyValidate, EachBadAnswerKindNamesItsField) {
  Questionnaire q = sample();
  Answers a = good();
  a["zz"] = int64_t{1};                          // unknown question
  a["q1"] = int64_t{11};                         // out of range
  a["q2"] = std::string("4");                    // wrong type
  a["q4"] = std::string("good");                 // hidden: q3 = yes
  a["q5"] = std::vector<std::string>{"x", "w"};  // unknown option
  a.erase("q6");                                 // required, shown, missing
  a["q7"] = int64_t{1};                          // wrong type for yes/no
  auto e = by_field(validate(q, a));
  EXPECT_EQ(e["answers.zz"], "survey.unknown_question");
  EXPECT_EQ(e["answers.q1"], "survey.scale_out_of_range");
  EXPECT_EQ(e["answers.q2"], "field.wrong_type");
  EXPECT_EQ(e["answers.q4"], "survey.hidden_question");
  EXPECT_EQ(e["answers.q5"], "survey.unknown_option");
  EXPECT_EQ(e["answers.q6"], "field.required");
  EXPECT_EQ(e["answers.q7"], "field.wrong_type");
  EXPECT_EQ(e.size(), 7u);
}

TEST(SurveyValidate, OutOfRangeNamesTheBounds) {
  Answers a = good();
  a["q2"] = int64_t{0};
  auto ps = validate(sample(), a);
  ASSERT_EQ(ps.size(), 1u);
  EXPECT_EQ(ps[0].field, "answers.q2");
  EXPECT_EQ(ps[0].params,
            (std::vector<std::pair<std::string, std::string>>{{"min", "1"}, {"max", "5"}}));
}

TEST(SurveyValidate, MultiRefusesRepeatsAndTextHasALimit) {
  Answers a = good();
  a["q5"] = std::vector<std::string>{"x", "x"};
  a["q9"] = std::string(kMaxTextAnswer + 1, 'a');
  auto e = by_field(validate(sample(), a));
  EXPECT_EQ(e["answers.q5"], "survey.option_repeated");
  EXPECT_EQ(e["answers.q9"], "field.too_long");
  a["q9"] = std::string();
  for (size_t i = 0; i < kMaxTextAnswer; ++i) std::get<std::string>(a["q9"]) += "字";
  EXPECT_EQ(by_field(validate(sample(), a)).count("answers.q9"), 0u);
}

TEST(SurveySkipLogic, RequiredOnlyWhenShown) {
  Questionnaire q = sample();
  Answers a = good();
  EXPECT_FALSE(shown(q, a)["q4"]);
  EXPECT_TRUE(complete(q, a));
  a["q3"] = false;  // now q4 is shown and required
  EXPECT_TRUE(shown(q, a)["q4"]);
  EXPECT_FALSE(complete(q, a));
  EXPECT_EQ(by_field(validate(q, a))["answers.q4"], "field.required");
  a["q4"] = std::string("bad");
  EXPECT_TRUE(validate(q, a).empty());
  EXPECT_TRUE(complete(q, a));
  a["q4"] = std::string("nope");
  EXPECT_EQ(by_field(validate(q, a))["answers.q4"], "survey.unknown_option");
}

TEST(SurveySkipLogic, ChainsHideWhatDependsOnAHiddenQuestion) {
  Questionnaire q = sample();
  Question q10 = typed("q10", "yes_no");
  q10.show_if = ShowIf{"q4", {"bad"}};
  q10.required = true;
  q.questions.push_back(q10);
  ASSERT_TRUE(check(q).empty());
  Answers a = good();
  a["q3"] = false;
  a["q4"] = std::string("bad");
  EXPECT_TRUE(shown(q, a)["q10"]);
  EXPECT_EQ(by_field(validate(q, a))["answers.q10"], "field.required");
  a["q3"] = true;  // q4 hidden → q10 hidden, even with q4's stale answer
  a.erase("q4");
  EXPECT_FALSE(shown(q, a)["q10"]);
  EXPECT_TRUE(validate(q, a).empty());
}

TEST(SurveySkipLogic, ScaleAndMultiConditions) {
  Questionnaire q = sample();
  Question why = typed("why", "text");
  why.show_if = ShowIf{"q1", {"0", "1", "2", "3", "4"}};
  why.required = true;
  Question pick = typed("pick", "yes_no");
  pick.show_if = ShowIf{"q5", {"z"}};
  q.questions.push_back(why);
  q.questions.push_back(pick);
  ASSERT_TRUE(check(q).empty());
  Answers a = good();
  EXPECT_FALSE(shown(q, a)["why"]);
  a["q1"] = int64_t{4};
  EXPECT_TRUE(shown(q, a)["why"]);
  EXPECT_EQ(by_field(validate(q, a))["answers.why"], "field.required");
  a["why"] = std::string("   ");  // any non-empty text counts
  EXPECT_TRUE(validate(q, a).empty());
  a["q5"] = std::vector<std::string>{"x", "z"};
  EXPECT_TRUE(shown(q, a)["pick"]);
}

TEST(SurveyScore, WeightedMeansOnTheHundredScale) {
  Scored s = score(sample(), good());
  // A: q1 8/10 = 0.8 (w1), q2 (4-1)/(5-1) = 0.75 (w3) → (0.8 + 2.25) / 4 = 0.7625 → 76.25
  EXPECT_DOUBLE_EQ(dim(s, "A"), 76.25);
  EXPECT_DOUBLE_EQ(dim(s, "B"), 50.0);  // q6 5/10
  ASSERT_TRUE(s.overall);
  EXPECT_DOUBLE_EQ(*s.overall, (2 * 76.25 + 50.0) / 3);  // 67.5
  EXPECT_TRUE(s.satisfied);
  EXPECT_TRUE(s.dissatisfied.empty());
  EXPECT_EQ(s.hotline_told, std::optional<bool>(true));
  EXPECT_EQ(s.fault_fixed, std::optional<bool>(true));
  EXPECT_EQ(s.complaint_text, "");
}

TEST(SurveyScore, ThousandScaleAndUnansweredDimensions) {
  Scored s = score(sample(1000), good());
  EXPECT_DOUBLE_EQ(dim(s, "A"), 762.5);
  EXPECT_DOUBLE_EQ(dim(s, "B"), 500.0);
  EXPECT_DOUBLE_EQ(*s.overall, 675.0);
  // Only A answered: B is left out of the overall, not counted as 0.
  Answers a = {{"q1", int64_t{10}}, {"q3", true}, {"q8", int64_t{10}}};
  s = score(sample(1000), a);
  ASSERT_EQ(s.dimensions.size(), 1u);
  EXPECT_DOUBLE_EQ(*s.overall, 1000.0);
  // Nothing scored: no overall at all.
  s = score(sample(1000), {{"q3", true}});
  EXPECT_FALSE(s.overall);
  EXPECT_TRUE(s.dimensions.empty());
}

TEST(SurveyScore, ScaleMinimumCountsAsZero) {
  Answers a = good();
  a["q1"] = int64_t{0};
  a["q2"] = int64_t{1};
  a["q6"] = int64_t{10};
  Scored s = score(sample(), a);
  EXPECT_DOUBLE_EQ(dim(s, "A"), 0.0);
  EXPECT_DOUBLE_EQ(dim(s, "B"), 100.0);
  EXPECT_NEAR(*s.overall, 100.0 / 3, 1e-12);
}

TEST(SurveyScore, HiddenAndBadAnswersDoNotCount) {
  Answers a = good();
  a["q4"] = std::string("bad");  // hidden (q3 = yes): ignored, not dissatisfied
  a["q6"] = int64_t{42};         // out of range: ignored
  Scored s = score(sample(), a);
  EXPECT_TRUE(s.dissatisfied.empty());
  EXPECT_EQ(s.dimensions.size(), 1u);
  EXPECT_DOUBLE_EQ(*s.overall, 76.25);
}

TEST(SurveySatisfied, OverallQuestionDecidesOtherwiseAnyDissatisfiedAnswer) {
  Questionnaire q = sample();
  Answers a = good();
  a["q1"] = int64_t{3};  // dissatisfied (≤ 4), sales
  a["q3"] = false;       // dissatisfied (no), workshop
  a["q4"] = std::string("bad");
  a["q5"] = std::vector<std::string>{"x", "z"};
  Scored s = score(q, a);
  ASSERT_EQ(s.dissatisfied.size(), 4u);
  EXPECT_EQ(s.dissatisfied[0].question, "q1");
  EXPECT_EQ(s.dissatisfied[0].department, "sales");
  EXPECT_EQ(s.dissatisfied[0].text, "打分 q1：3");
  EXPECT_EQ(s.dissatisfied[1].department, "workshop");
  EXPECT_EQ(s.dissatisfied[2].text, "问题 q4：差");
  EXPECT_EQ(s.dissatisfied[3].text, "问题 q5：甲、丙");
  EXPECT_TRUE(s.satisfied);  // the overall question q8 = 9 says satisfied
  EXPECT_EQ(s.fault_fixed, std::optional<bool>(false));

  a["q8"] = int64_t{6};  // at the threshold: dissatisfied
  s = score(q, a);
  EXPECT_FALSE(s.satisfied);
  EXPECT_EQ(s.dissatisfied.back().department, "service_desk");

  // Without an overall question, any dissatisfied answer decides.
  q.questions[7].role = "";
  a["q8"] = int64_t{10};
  EXPECT_FALSE(score(q, a).satisfied);
  EXPECT_TRUE(score(q, good()).satisfied);
}

TEST(SurveySatisfied, AComplaintIsADissatisfaction) {
  Questionnaire q = sample();
  q.questions[7].role = "";
  Answers a = good();
  a["q9"] = std::string("交车时漆面有划痕");
  Scored s = score(q, a);
  EXPECT_EQ(s.complaint_text, "交车时漆面有划痕");
  ASSERT_EQ(s.dissatisfied.size(), 1u);
  EXPECT_EQ(s.dissatisfied[0].text, "交车时漆面有划痕");
  EXPECT_EQ(s.dissatisfied[0].department, "service_desk");
  EXPECT_FALSE(s.satisfied);
  a["q9"] = std::string();  // an empty complaint is no complaint
  EXPECT_TRUE(score(q, a).satisfied);
}

TEST(SurveyCheck, DefinitionProblems) {
  Questionnaire q = sample();
  q.code = "bad code";
  q.scale = 10;
  q.channel = "tv";
  q.questions[1].dimension = "C";                                     // unknown dimension
  q.questions[5].code = "q1";                                         // duplicate
  q.questions[4].options.resize(1);                                   // too few options
  q.questions[0].scale_max = 0;                                       // bad range
  q.questions[6].options = {{"a", "甲", false}, {"b", "乙", false}};  // yes/no with options
  q.questions[2].role = "overall";                                    // a second overall
  q.dimensions.push_back({"C2", "空维度", 1});
  q.script.opening = "您好 {customer.nickname}";
  auto e = by_field(check(q));
  EXPECT_EQ(e["code"], "survey.code_invalid");
  EXPECT_EQ(e["scale"], "survey.scale_invalid");
  EXPECT_EQ(e["channel"], "survey.channel_invalid");
  EXPECT_EQ(e["questions[1].dimension"], "survey.dimension_unknown");
  EXPECT_EQ(e["questions[5].code"], "survey.code_repeated");
  EXPECT_EQ(e["questions[4].options"], "survey.options_missing");
  EXPECT_EQ(e["questions[0].scale_max"], "survey.range_invalid");
  EXPECT_EQ(e["questions[6].options"], "survey.options_unexpected");
  EXPECT_EQ(e["questions[7].role"], "survey.role_repeated");
  EXPECT_EQ(e["dimensions[2].code"], "survey.dimension_empty");
  EXPECT_EQ(e["script.opening"], "survey.placeholder_unknown");
}

TEST(SurveyCheck, SkipLogicMustPointBackwardsWithoutCycles) {
  Questionnaire q = sample();
  q.questions[0].show_if = ShowIf{"q2", {"1"}};  // q1 ← q2, later
  EXPECT_EQ(by_field(check(q))["questions[0].show_if.question"], "survey.show_if_later");

  q = sample();
  q.questions[1].show_if = ShowIf{"q1", {"5"}};
  q.questions[0].show_if = ShowIf{"q2", {"1"}};  // q1 ← q2 ← q1
  auto e = by_field(check(q));
  EXPECT_EQ(e["questions[0].show_if.question"], "survey.show_if_cycle");
  EXPECT_EQ(e["questions[1].show_if.question"], "survey.show_if_cycle");

  q = sample();
  q.questions[3].show_if = ShowIf{"q4", {"good"}};  // itself
  EXPECT_EQ(by_field(check(q))["questions[3].show_if.question"], "survey.show_if_cycle");

  q = sample();
  q.questions[3].show_if = ShowIf{"nope", {"yes"}};
  EXPECT_EQ(by_field(check(q))["questions[3].show_if.question"], "survey.show_if_unknown");

  q = sample();
  q.questions[3].show_if = ShowIf{"q3", {"maybe"}};
  EXPECT_EQ(by_field(check(q))["questions[3].show_if.any_of[0]"], "survey.show_if_value");

  q = sample();
  q.questions[5].show_if = ShowIf{"q1", {"11"}};  // beyond q1's 0–10
  EXPECT_EQ(by_field(check(q))["questions[5].show_if.any_of[0]"], "survey.show_if_value");
}

TEST(SurveyCheck, RulesFitTheirTypes) {
  Questionnaire q = sample();
  q.questions[2].dissatisfied_at_or_below = 1;   // yes/no with a scale rule
  q.questions[0].dissatisfied_when = true;       // scale with a yes/no rule
  q.questions[5].dissatisfied_at_or_below = 10;  // = max: every answer dissatisfied
  q.questions[6].role = "complaint";             // complaint must be text
  q.questions[8].department = "Sales Dept";
  q.dimensions[0].weight = 0;
  auto e = by_field(check(q));
  EXPECT_EQ(e["questions[2].dissatisfied_at_or_below"], "survey.only_for_scale");
  EXPECT_EQ(e["questions[0].dissatisfied_when"], "survey.only_for_yes_no");
  EXPECT_EQ(e["questions[5].dissatisfied_at_or_below"], "survey.scale_out_of_range");
  EXPECT_EQ(e["questions[6].role"], "survey.role_type");
  EXPECT_EQ(e["questions[8].department"], "survey.department_invalid");
  EXPECT_EQ(e["dimensions[0].weight"], "survey.weight_invalid");
}

TEST(SurveyPresets, EveryPresetPassesItsOwnChecks) {
  std::set<std::string> codes;
  for (const auto& q : presets()) {
    SCOPED_TRACE(q.code);
    auto problems = check(q);
    for (const auto& p : problems) ADD_FAILURE() << p.field << ": " << p.code;
    EXPECT_TRUE(codes.insert(q.code).second);
    EXPECT_FALSE(q.script.opening.empty());
    EXPECT_FALSE(q.script.satisfied_closing.empty());
    EXPECT_FALSE(q.script.dissatisfied_closing.empty());
    EXPECT_EQ(std::count_if(q.questions.begin(), q.questions.end(),
                            [](const Question& x) { return x.role == "overall"; }),
              1);
  }
  EXPECT_EQ(codes.size(), 7u);
}

TEST(SurveyPresets, CarSalesSsiHas23QuestionsInSevenDimensionsOnAThousand) {
  const auto& all = presets();
  auto it = std::find_if(all.begin(), all.end(),
                         [](const Questionnaire& q) { return q.code == "car_sales_ssi"; });
  ASSERT_NE(it, all.end());
  EXPECT_EQ(it->scale, 1000);
  EXPECT_EQ(it->questions.size(), 23u);
  EXPECT_EQ(it->dimensions.size(), 7u);
  double w = 0;
  for (const auto& d : it->dimensions) w += d.weight;
  EXPECT_NEAR(w, 1.0, 1e-9);
  std::set<std::string> roles;
  for (const auto& q : it->questions) roles.insert(q.role);
  EXPECT_TRUE(roles.count("hotline_told") && roles.count("overall") && roles.count("complaint"));
  // A full-marks answer scores 1000 in every dimension.
  Answers a;
  for (const auto& q : it->questions) {
    if (q.type == "scale") a[q.code] = int64_t{q.scale_max};
    if (q.type == "yes_no") a[q.code] = true;
  }
  EXPECT_TRUE(validate(*it, a).empty());
  Scored s = score(*it, a);
  EXPECT_EQ(s.dimensions.size(), 7u);
  EXPECT_DOUBLE_EQ(*s.overall, 1000.0);
  EXPECT_TRUE(s.satisfied);
  EXPECT_EQ(s.hotline_told, std::optional<bool>(true));
}

TEST(SurveyScript, PlaceholdersAreFilledAndUnknownOnesKept) {
  EXPECT_EQ(render_script("您好，{customer.name}，我是{agent.name}。{x}",
                          {{"customer.name", "张先生"}, {"agent.name", "小李"}}),
            "您好，张先生，我是小李。{x}");
  EXPECT_EQ(render_script("no braces {", {}), "no braces {");
}

TEST(SurveyDays, LocalDayInShanghai) {
  // 2026-03-31T16:30:00Z is 2026-04-01 00:30 in Shanghai.
  EXPECT_EQ(local_day(1774974600000, 480), "2026-04-01");
  EXPECT_EQ(local_day(1774974600000, 0), "2026-03-31");
  EXPECT_TRUE(valid_month("2026-12"));
  EXPECT_FALSE(valid_month("2026-13"));
  EXPECT_FALSE(valid_month("2026-1"));
  EXPECT_EQ(next_month("2026-12"), "2027-01");
}

}  // namespace
}  // namespace kefu::surveys
