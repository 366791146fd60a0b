// The tickets' closed loop as a state machine: every action from every state, per role.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "modules/org/model.h"
#include "modules/tickets/model.h"

namespace kefu::tickets {
namespace {

std::set<std::string> names(const std::vector<Action>& actions) {
  std::set<std::string> out;
  for (auto a : actions) out.emplace(to_string(a));
  return out;
}

TEST(TicketModel, TheWholeTableOfTransitions) {
  // state → action → next state, for a ticket that is not paused and was never verified.
  const std::map<std::string, std::map<std::string, std::string>> expected = {
      {"new", {{"accept", "accepted"}, {"reject", "closed"}, {"answer", "closed"}}},
      {"accepted", {{"route", "routed"}, {"pause", "accepted"}}},
      {"routed",
       {{"route", "routed"},
        {"hand_back", "accepted"},
        {"investigate", "investigated"},
        {"pause", "routed"}}},
      {"investigated",
       {{"route", "routed"},
        {"investigate", "investigated"},
        {"propose", "proposed"},
        {"pause", "investigated"}}},
      {"proposed", {{"approve", "approved"}, {"send_back", "investigated"}, {"pause", "proposed"}}},
      {"approved", {{"implement", "implemented"}, {"pause", "approved"}}},
      {"implemented", {{"verify", "closed"}}},
      {"closed", {{"reopen", "routed"}}},
  };
  Facts f;
  f.satisfied = true;
  f.has_responsible = true;
  for (State s : all_states()) {
    std::map<std::string, std::string> got;
    for (Action a : all_actions())
      if (auto step = next(s, a, f))
        got[std::string(to_string(a))] = std::string(to_string(step->to));
    EXPECT_EQ(got, expected.at(std::string(to_string(s)))) << to_string(s);
  }
}

TEST(TicketModel, VerificationNotSatisfiedGoesBackThenToAManager) {
  Facts f;
  f.satisfied = false;
  auto first = next(State::kImplemented, Action::kVerify, f);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->to, State::kRouted);
  EXPECT_FALSE(first->escalate_to_manager);
  f.verify_failures = 1;
  auto second = next(State::kImplemented, Action::kVerify, f);
  ASSERT_TRUE(second);
  EXPECT_TRUE(second->escalate_to_manager);
  EXPECT_FALSE(second->closes);
}

TEST(TicketModel, PauseOnlyOnceAndResumeOnlyWhenPaused) {
  Facts f;
  EXPECT_TRUE(next(State::kRouted, Action::kPause, f));
  EXPECT_FALSE(next(State::kRouted, Action::kResume, f));
  f.paused = true;
  EXPECT_FALSE(next(State::kRouted, Action::kPause, f));
  EXPECT_TRUE(next(State::kRouted, Action::kResume, f));
  EXPECT_FALSE(next(State::kClosed, Action::kPause, f));
}

TEST(TicketModel, ReopenWithoutResponsibleUnitGoesToTheDesk) {
  Facts f;
  EXPECT_EQ(next(State::kClosed, Action::kReopen, f)->to, State::kAccepted);
}

TEST(TicketModel, EachRoleSeesItsOwnButtons) {
  auto perms = [](std::vector<std::string> roles) { return org::permissions_of(roles); };
  EXPECT_EQ(names(allowed(State::kNew, {}, perms({"agent"}))),
            (std::set<std::string>{"accept", "reject", "answer"}));
  EXPECT_TRUE(allowed(State::kNew, {}, perms({"handler"})).empty());
  EXPECT_TRUE(allowed(State::kNew, {}, perms({"viewer"})).empty());
  EXPECT_EQ(names(allowed(State::kRouted, {}, perms({"handler"}))),
            (std::set<std::string>{"hand_back", "investigate", "pause"}));
  EXPECT_EQ(names(allowed(State::kRouted, {}, perms({"agent"}))), (std::set<std::string>{"route"}));
  EXPECT_EQ(names(allowed(State::kProposed, {}, perms({"handler"}))),
            (std::set<std::string>{"pause"}));
  EXPECT_EQ(names(allowed(State::kProposed, {}, perms({"supervisor"}))),
            (std::set<std::string>{"approve", "send_back", "pause"}));
  EXPECT_EQ(names(allowed(State::kImplemented, {}, perms({"agent"}))),
            (std::set<std::string>{"verify"}));
  EXPECT_TRUE(allowed(State::kImplemented, {}, perms({"inspector"})).empty());
}

TEST(TicketModel, EveryActionNeedsAPermissionSomeRoleHas) {
  auto all = org::permissions_of(org::all_roles());
  for (Action a : all_actions()) {
    auto need = permission_for(a);
    EXPECT_NE(std::find(all.begin(), all.end(), need), all.end()) << to_string(a);
  }
  for (const auto& name : {"ticket.read", "ticket.create", "ticket.intake", "ticket.handle",
                           "ticket.approve", "ticket.manage", "ticket.admin"})
    EXPECT_NE(std::find(all.begin(), all.end(), name), all.end()) << name;
}

TEST(TicketModel, SavedRatioOfSeed002) {
  Money m{13572600, 7543200};
  EXPECT_EQ(m.saved_fen(), 6029400);
  EXPECT_EQ(m.saved_bp(), 4442);  // 44.42%
  EXPECT_EQ((Money{0, 0}).saved_bp(), 0);
  EXPECT_EQ((Money{100, 150}).saved_fen(), 0);  // paid more than asked: nothing saved
  EXPECT_EQ((Money{3, 1}).saved_bp(), 6667);    // 66.666…% rounds half up
}

TEST(TicketModel, NumbersAndMonthsInChina) {
  EXPECT_EQ(number("complaint", 2026, 123), "TS-2026-000123");
  EXPECT_EQ(number("repair", 2026, 1234567), "BX-2026-1234567");
  // 2026-12-31 16:30 UTC is already 2027-01-01 00:30 in Beijing
  int64_t ms = 1798734600000;
  EXPECT_EQ(year_in_china(ms), 2027);
  EXPECT_EQ(month_in_china(ms), "2027-01");
  EXPECT_EQ(month_start_in_china(2027, 1), 1798732800000);  // 2026-12-31 16:00 UTC
  EXPECT_EQ(month_start_in_china(2026, 13), month_start_in_china(2027, 1));
}

TEST(TicketModel, MostSpecificPolicyWins) {
  std::vector<SlaPolicy> ps = {
      {1, "any", std::nullopt, std::nullopt, std::nullopt, std::nullopt, 60, 480, false, 80, true},
      {2, "complaint", std::string("complaint"), std::nullopt, std::nullopt, std::nullopt, 60, 1440,
       false, 80, true},
      {3, "major complaint", std::string("complaint"), std::string("major"), std::nullopt,
       std::nullopt, 30, 240, false, 70, true},
      {4, "retired", std::string("complaint"), std::string("major"), std::string("hotline"),
       std::nullopt, 1, 1, false, 80, false},
  };
  Ticket t;
  t.kind = "complaint";
  t.severity = "major";
  EXPECT_EQ(pick_policy(ps, t)->id, 3);
  t.severity = "normal";
  EXPECT_EQ(pick_policy(ps, t)->id, 2);
  t.kind = "inquiry";
  EXPECT_EQ(pick_policy(ps, t)->id, 1);
  EXPECT_FALSE(pick_policy({}, t));
}

}  // namespace
}  // namespace kefu::tickets
