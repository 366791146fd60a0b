#include <gtest/gtest.h>

#include "modules/org/model.h"

namespace kefu::org {

TEST(OrgModel, UnitKindsHangOnlyWhereTheyBelong) {
  EXPECT_TRUE(may_hang_under(UnitKind::kRegion, UnitKind::kHeadOffice));
  EXPECT_FALSE(may_hang_under(UnitKind::kRegion, UnitKind::kBranch));
  EXPECT_TRUE(may_hang_under(UnitKind::kBranch, UnitKind::kRegion));
  EXPECT_TRUE(may_hang_under(UnitKind::kStore, UnitKind::kBranch));
  EXPECT_FALSE(may_hang_under(UnitKind::kStore, UnitKind::kStore));
  EXPECT_FALSE(may_hang_under(UnitKind::kDepartment, UnitKind::kStore));
  EXPECT_FALSE(may_hang_under(UnitKind::kHeadOffice, UnitKind::kHeadOffice));
}

TEST(OrgModel, MovingUnderOwnSubtreeIsACycle) {
  EXPECT_TRUE(would_cycle("/1/4/", "/1/4/"));
  EXPECT_TRUE(would_cycle("/1/4/", "/1/4/9/"));
  EXPECT_FALSE(would_cycle("/1/4/", "/1/40/"));
  EXPECT_FALSE(would_cycle("/1/4/", "/1/"));
  EXPECT_EQ(child_path("/1/4/", 9), "/1/4/9/");
}

TEST(OrgModel, PermissionsFollowRoles) {
  auto admin = permissions_of({"admin"});
  EXPECT_NE(std::find(admin.begin(), admin.end(), "org.unit.write"), admin.end());
  auto agent = permissions_of({"agent"});
  EXPECT_EQ(agent, (std::vector<std::string>{"callback.read", "callback.work", "customer.read",
                                             "customer.write", "org.unit.read", "survey.read",
                                             "ticket.create", "ticket.intake", "ticket.read"}));
  auto viewer = permissions_of({"viewer"});
  EXPECT_EQ(viewer, (std::vector<std::string>{"callback.read", "customer.read", "org.unit.read",
                                              "survey.read", "ticket.read"}));
  auto inspector = permissions_of({"inspector"});
  EXPECT_EQ(inspector, (std::vector<std::string>{"callback.read", "customer.read", "org.unit.read",
                                                 "ticket.read"}));
  EXPECT_NE(std::find(admin.begin(), admin.end(), "survey.admin"), admin.end());
  auto both = permissions_of({"supervisor", "agent"});
  EXPECT_EQ(both, (std::vector<std::string>{
                      "callback.read", "callback.supervise", "callback.work", "customer.assign",
                      "customer.merge", "customer.pii", "customer.read", "customer.write", "org.unit.read",
                      "org.user.read", "rule.read", "survey.read", "ticket.approve",
                      "ticket.create", "ticket.handle", "ticket.intake", "ticket.read"}));
  EXPECT_TRUE(permissions_of({"nonsense"}).empty());
}

TEST(OrgModel, ManagersMayNotGrantAdmin) {
  EXPECT_TRUE(may_grant({"admin"}, "admin"));
  EXPECT_TRUE(may_grant({"manager"}, "agent"));
  EXPECT_FALSE(may_grant({"manager"}, "admin"));
  EXPECT_FALSE(may_grant({"supervisor"}, "agent"));
}

TEST(OrgModel, PhonesAreMaskedTheChineseWay) {
  EXPECT_EQ(mask_phone("13812345678"), "138****5678");
  EXPECT_EQ(mask_phone("010-12345678"), "010*****5678");
  EXPECT_EQ(mask_phone("123"), "***");
}

TEST(OrgModel, ValidatesContactsAndNames) {
  EXPECT_TRUE(valid_phone("13812345678"));
  EXPECT_FALSE(valid_phone("12812345678"));
  EXPECT_FALSE(valid_phone("1381234567"));
  EXPECT_TRUE(valid_phone("010-12345678"));
  EXPECT_TRUE(valid_phone("0571-8765432"));
  EXPECT_FALSE(valid_phone("10-12345678"));
  EXPECT_TRUE(valid_email("li@example.cn"));
  EXPECT_FALSE(valid_email("li@example"));
  EXPECT_FALSE(valid_email("@example.cn"));
  EXPECT_TRUE(valid_code("SH-XH_01"));
  EXPECT_FALSE(valid_code("上海"));
  EXPECT_FALSE(valid_code(""));
  EXPECT_TRUE(valid_username("agent.zhang"));
  EXPECT_FALSE(valid_username("a"));
  EXPECT_TRUE(strong_enough("kefu2026"));
  EXPECT_FALSE(strong_enough("password"));
  EXPECT_FALSE(strong_enough("k1"));
}

TEST(OrgModel, LockoutAfterTheFifthFailure) {
  LockoutPolicy p{5, 900000};
  int failures = 0;
  for (int i = 0; i < 4; ++i) {
    auto o = after_failure(failures, 1000, p);
    EXPECT_EQ(o.locked_until, 0);
    failures = o.failures;
  }
  auto o = after_failure(failures, 1000, p);
  EXPECT_EQ(o.locked_until, 901000);
  EXPECT_EQ(o.failures, 0);
}

TEST(OrgModel, BalanceGivesEachItemToTheLeastLoadedByWeight) {
  // Equal weights: loads even out; ties go to the lowest id.
  EXPECT_EQ(balance({{7, 0, 1.0}, {3, 0, 1.0}, {5, 0, 1.0}}, 4),
            (std::vector<int64_t>{3, 5, 7, 3}));
  // A heavy load is caught up first.
  EXPECT_EQ(balance({{1, 5, 1.0}, {2, 2, 1.0}}, 4), (std::vector<int64_t>{2, 2, 2, 1}));
  // Weight 2 takes twice the share: 6 items → 4 and 2.
  auto w = balance({{1, 0, 2.0}, {2, 0, 1.0}}, 6);
  EXPECT_EQ(std::count(w.begin(), w.end(), 1), 4);
  EXPECT_EQ(std::count(w.begin(), w.end(), 2), 2);
  EXPECT_EQ(w.front(), 1);  // (0+1)/2 < (0+1)/1
  // Loads relative to capacity: 11/2 < 6/1, then 12/2 = 6/1 (tie: lowest id), then 13/2 > 6/1.
  EXPECT_EQ(balance({{1, 10, 2.0}, {2, 5, 1.0}}, 3), (std::vector<int64_t>{1, 1, 2}));
  // Nobody, or nobody with capacity: nothing can be assigned.
  EXPECT_TRUE(balance({}, 3).empty());
  EXPECT_TRUE(balance({{1, 0, 0.0}, {2, 0, -1.0}}, 3).empty());
  EXPECT_EQ(balance({{1, 0, 0.0}, {2, 9, 1.0}}, 2), (std::vector<int64_t>{2, 2}));
  EXPECT_TRUE(balance({{1, 0, 1.0}}, 0).empty());
  // Deterministic whatever the input order.
  EXPECT_EQ(balance({{9, 1, 1.0}, {4, 1, 1.0}, {6, 0, 1.5}}, 7),
            balance({{6, 0, 1.5}, {4, 1, 1.0}, {9, 1, 1.0}}, 7));
}

TEST(OrgModel, SkillCodes) {
  EXPECT_TRUE(valid_skill("service"));
  EXPECT_TRUE(valid_skill("after-sales_2"));
  EXPECT_FALSE(valid_skill(""));
  EXPECT_FALSE(valid_skill("VIP"));
  EXPECT_FALSE(valid_skill("a,b"));
  EXPECT_FALSE(valid_skill("售后"));
  EXPECT_FALSE(valid_skill(std::string(33, 'a')));
  EXPECT_TRUE(has_skills({"en", "service", "vip"}, {"vip", "service"}));
  EXPECT_TRUE(has_skills({}, {}));
  EXPECT_TRUE(has_skills({"sales"}, {}));
  EXPECT_FALSE(has_skills({"service"}, {"service", "vip"}));
  EXPECT_FALSE(has_skills({}, {"service"}));
}

TEST(OrgModel, SkilledPickIsAHardFilterThenBalancedByCapacity) {
  std::vector<Candidate> team = {{1, {"sales"}, 1.0, 0},
                                 {2, {"service"}, 1.0, 3},
                                 {3, {"service", "vip"}, 2.0, 4},
                                 {4, {"service", "vip", "en"}, 0.0, 0},  // takes no balanced work
                                 {5, {}, 1.0, 0}};
  // Nothing required: everyone, the least loaded first (1 and 5 at 0; lowest id).
  EXPECT_EQ(balance(eligible(team, {}), 1), (std::vector<int64_t>{1}));
  // "service": 2 at (3+1)/1 = 4 against 3 at (4+1)/2 = 2.5, 3, 3.5, then 4 = 4 (tie: lowest
  // id) → 3 takes three although it holds more tasks; the idle agents 1 and 5 have no
  // service skill and get nothing.
  EXPECT_EQ(balance(eligible(team, {"service"}), 4), (std::vector<int64_t>{3, 3, 3, 2}));
  // "service" + "vip": 3 only (4 has them but capacity 0).
  EXPECT_EQ(balance(eligible(team, {"vip", "service"}), 2), (std::vector<int64_t>{3, 3}));
  // Nobody has "en" with capacity: the work stays unassigned.
  EXPECT_TRUE(balance(eligible(team, {"en"}), 1).empty());
  EXPECT_TRUE(balance(eligible(team, {"fr"}), 1).empty());
  // Capacities weigh the share among the skilled: 3 items over 2 (w 1) and 3 (w 2) from 0.
  std::vector<Candidate> fresh = {{2, {"service"}, 1.0, 0}, {3, {"service"}, 2.0, 0}};
  auto w = balance(eligible(fresh, {"service"}), 6);
  EXPECT_EQ(std::count(w.begin(), w.end(), 3), 4);
  EXPECT_EQ(std::count(w.begin(), w.end(), 2), 2);
}

}  // namespace kefu::org
