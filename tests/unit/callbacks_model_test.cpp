// Callback tasks' pure rules: what each outcome does, quiet hours across midnight, balanced
// picks, the KPI arithmetic (seed 000's overall satisfaction as the mean of the channels).
#include <gtest/gtest.h>

#include "modules/callbacks/model.h"

namespace kefu::callbacks {
namespace {

constexpr int64_t kMin = 60 * 1000;

Task open_task(int attempts = 0) {
  Task t;
  t.attempts = attempts;
  t.max_attempts = 3;
  t.retry_minutes = 120;
  t.due_at = 1000 * kMin;
  return t;
}

TEST(CallbackAttempts, OutcomesMoveTheTask) {
  int64_t now = 500 * kMin;
  auto d = after_attempt(open_task(), Outcome::kAnswered, now, std::nullopt);
  ASSERT_TRUE(d.effect);
  EXPECT_EQ(d.effect->state, State::kDone);

  d = after_attempt(open_task(0), Outcome::kNoAnswer, now, std::nullopt);
  EXPECT_EQ(d.effect->state, State::kPending);
  EXPECT_EQ(*d.effect->next_try_at, now + 120 * kMin);
  d = after_attempt(open_task(2), Outcome::kBusy, now, std::nullopt);
  EXPECT_EQ(d.effect->state, State::kFailed) << "the third unanswered attempt ends it";

  EXPECT_EQ(after_attempt(open_task(), Outcome::kRefused, now, std::nullopt).effect->state,
            State::kFailed);
  EXPECT_EQ(after_attempt(open_task(), Outcome::kWrongNumber, now, std::nullopt).effect->state,
            State::kFailed);

  d = after_attempt(open_task(), Outcome::kCallBackLater, now, now + 90 * kMin);
  EXPECT_EQ(d.effect->state, State::kPending);
  EXPECT_EQ(*d.effect->due_at, now + 90 * kMin) << "the agreed time replaces the due time";
  EXPECT_EQ(after_attempt(open_task(), Outcome::kCallBackLater, now, std::nullopt).refusal,
            "callbacks.call_back_at_required");
  EXPECT_EQ(after_attempt(open_task(), Outcome::kCallBackLater, now, now).refusal,
            "callbacks.call_back_at_past");

  Task done = open_task();
  done.state = State::kDone;
  EXPECT_EQ(after_attempt(done, Outcome::kAnswered, now, std::nullopt).refusal, "callbacks.closed");
  done.state = State::kCancelled;
  EXPECT_FALSE(after_attempt(done, Outcome::kNoAnswer, now, std::nullopt).effect);
}

TEST(CallbackQuietHours, WindowsAcrossMidnight) {
  Window company = *parse_window("21:00", "09:00");
  EXPECT_TRUE(inside(company, 22 * 60));
  EXPECT_TRUE(inside(company, 8 * 60 + 59));
  EXPECT_FALSE(inside(company, 9 * 60));
  EXPECT_FALSE(inside(company, 20 * 60 + 59));
  EXPECT_FALSE(parse_window("25:00", "09:00"));
  EXPECT_FALSE(parse_window("9:00", "10:00"));
  // 2026-11-09 12:30 Beijing = 04:30 UTC; her own window 12:00–14:00 holds it until 14:00.
  int64_t day = int64_t(20766);  // 2026-11-09 as days since 1970-01-01
  int64_t at = (day * 1440 + 4 * 60 + 30) * kMin;
  EXPECT_EQ(local_minute(at, 480), 12 * 60 + 30);
  auto own = parse_window("12:00", "14:00");
  EXPECT_EQ(quiet_until(at, 480, company, own), (day * 1440 + 6 * 60) * kMin);
  EXPECT_EQ(quiet_until(at, 480, company, std::nullopt), at) << "outside the company's window";
  // 22:00 local waits for 09:00 the next morning
  int64_t night = (day * 1440 + 14 * 60) * kMin;
  EXPECT_EQ(quiet_until(night, 480, company, std::nullopt), ((day + 1) * 1440 + 1 * 60) * kMin);
}

TEST(CallbackKpi, RatesAndTheMeanOfChannels) {
  EXPECT_FALSE(percent(0, 0)) << "no data shows as —";
  EXPECT_DOUBLE_EQ(round2(*percent(97, 100)), 97.0);
  EXPECT_DOUBLE_EQ(round2(*percent(2, 3)), 66.67);
  EXPECT_DOUBLE_EQ(round2(*percent(1, 8)), 12.5);
  // seed 000: store 85.41 %, logistics 88.04 %, after-sales 88.53 % → overall 87.33 %
  EXPECT_DOUBLE_EQ(round2(*mean_of({85.41, 88.04, 88.53})), 87.33);
  EXPECT_DOUBLE_EQ(round2(*mean_of({90.0, std::nullopt})), 90.0) << "a channel without data is left out";
  EXPECT_FALSE(mean_of({std::nullopt}));
  EXPECT_DOUBLE_EQ(round2(0.125 * 100), 12.5);
  EXPECT_DOUBLE_EQ(round2(2.675), 2.68) << "half up";
}

TEST(CallbackScript, PlaceholdersFilled) {
  EXPECT_EQ(fill("您好{customer.title}，您的{asset.plate}", {{"customer.title", "李先生"},
                                                            {"asset.plate", "浙A12345"}}),
            "您好李先生，您的浙A12345");
  EXPECT_EQ(fill("{unknown} {", {}), "{unknown} {") << "typos stay visible";
}

}  // namespace
}  // namespace kefu::callbacks

namespace kefu::callbacks {
namespace {

TEST(CallbackScript, PoliteTitles) {
  EXPECT_EQ(polite_title("李建国", "male", true, "-"), "李先生");
  EXPECT_EQ(polite_title("孙丽", "female", true, "-"), "孙女士");
  EXPECT_EQ(polite_title("周明", "unknown", true, "-"), "周先生/女士");
  EXPECT_EQ(polite_title("杭州某某公司", "unknown", false, "尊敬的客户"), "尊敬的客户");
  EXPECT_EQ(polite_title("", "male", true, "尊敬的客户"), "尊敬的客户");
}

}  // namespace
TEST(CallbacksModel, LiveReasonSaysWhyAnEventConcernsSomeone) {
  const int64_t a = 7, b = 8, sup = 9;
  // Created for A: A hears "assigned", B nothing, a supervisor of the unit "changed".
  LiveFacts created{"callback.created", a, std::nullopt, std::nullopt, ""};
  EXPECT_EQ(live_reason(created, a, false), "assigned");
  EXPECT_EQ(live_reason(created, b, false), "");
  EXPECT_EQ(live_reason(created, sup, true), "changed");
  EXPECT_EQ(live_reason(created, sup, false), "") << "outside the supervisor's scope";
  // Moved from A to B by the supervisor.
  LiveFacts moved{"callback.reassigned", b, a, sup, ""};
  EXPECT_EQ(live_reason(moved, a, false), "taken");
  EXPECT_EQ(live_reason(moved, b, false), "assigned");
  EXPECT_EQ(live_reason(moved, sup, true), "changed");
  EXPECT_EQ(live_reason({"callback.reassigned", a, a, sup, ""}, a, false), "changed");
  // Due soon: the assignee only, not the supervisor.
  LiveFacts due{"callback.due_soon", b, std::nullopt, std::nullopt, ""};
  EXPECT_EQ(live_reason(due, b, false), "due_soon");
  EXPECT_EQ(live_reason(due, sup, true), "");
  EXPECT_EQ(live_reason(due, a, false), "");
  // Answered by the customer (no actor, a link channel) vs recorded by the agent on the phone.
  EXPECT_EQ(live_reason({"callback.completed", b, std::nullopt, std::nullopt, "email"}, b, false),
            "answered");
  EXPECT_EQ(live_reason({"callback.completed", b, std::nullopt, std::nullopt, "sms"}, sup, true),
            "changed");
  EXPECT_EQ(live_reason({"callback.completed", b, std::nullopt, b, "phone"}, b, false), "changed");
  EXPECT_EQ(live_reason({"callback.attempted", b, std::nullopt, b, ""}, a, false), "");
}

}  // namespace kefu::callbacks
