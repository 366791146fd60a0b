// Surveys against a real database (a temporary SQLite file; PostgreSQL too when
// KEFU_TEST_PG_URL names a server): recording answers inside the caller's transaction, the
// daily roll-ups the report reads (local days in Asia/Shanghai), scope, versions kept by
// answers, one answer per source, the outbox event, presets that never overwrite edits.
#include <gtest/gtest.h>

#include <unistd.h>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include "app/app.h"
#include "platform/db/database.h"

namespace kefu::surveys {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kDay = 24LL * 3600 * 1000;
constexpr int64_t kMar10 = 1773100800000;      // 2026-03-10T00:00:00Z
constexpr int64_t kMar31Late = 1774974600000;  // 2026-03-31T16:30Z = 04-01 00:30 in Shanghai
constexpr int64_t kApr5 = kMar10 + 26 * kDay;  // 2026-04-05

Answers all_tens() {
  return {{"c01", int64_t{10}}, {"c02", int64_t{10}}, {"c03", true},
          {"c05", int64_t{10}}, {"c06", false},       {"c08", int64_t{10}},
          {"c09", int64_t{10}}, {"c10", int64_t{10}}, {"c11", int64_t{10}}};
}

// reception (6, 8) → 70; quality c05 = 5 → 50; handover (10, 4) → 70; cost 9 → 90;
// overall 0.25·70 + 0.35·50 + 0.2·70 + 0.2·90 = 67; not fixed; dissatisfied (c11 = 5).
Answers mixed() {
  return {{"c01", int64_t{6}},
          {"c02", int64_t{8}},
          {"c03", false},
          {"c04", std::string("mechanical")},
          {"c05", int64_t{5}},
          {"c06", false},
          {"c08", int64_t{10}},
          {"c09", int64_t{4}},
          {"c10", int64_t{9}},
          {"c11", int64_t{5}},
          {"c12", std::string("发动机异响没有修好")}};
}

class SurveyStore : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    static std::atomic<int> seq{0};
    const std::string tag = std::to_string(::getpid()) + "_" + std::to_string(seq++);
    Config c;
    dir_ = fs::temp_directory_path() / ("kefu_surveys_" + tag);
    fs::create_directories(dir_);
    c.set("storage.files_dir", (dir_ / "files").string());
    c.set("log.level", "warn");
    if (GetParam() == "postgres") {
      const char* url = std::getenv("KEFU_TEST_PG_URL");
      if (!url || !*url) GTEST_SKIP() << "KEFU_TEST_PG_URL not set";
      schema_ = "surveys_test_" + tag;
      admin_db_ = db::open(url, {});
      admin_db_->write([&](db::Session& s) { s.exec_script("CREATE SCHEMA " + schema_); });
      std::string u = url;
      c.set("database.url", u + (u.find('?') == std::string::npos ? "?" : "&") +
                                "options=-csearch_path%3D" + schema_);
    } else {
      c.set("database.url", "sqlite://" + (dir_ / "s.db").string());
    }
    app_ = std::make_unique<App>(c);
    app_->migrate();
    auto& org = app_->org();
    auto root = org.initialise("测试总部", "HQ", "admin", "Passw0rd-123");
    admin_ = org.principal_for(root);
    auto unit = [&](std::optional<int64_t> parent, const char* code, org::UnitKind kind) {
      return org.create_unit(admin_, {parent, code, code, kind});
    };
    region_ = unit(root.unit_id, "R1", org::UnitKind::kRegion);
    b1_ = unit(region_.id, "B1", org::UnitKind::kBranch);
    b2_ = unit(region_.id, "B2", org::UnitKind::kBranch);
    agent_ =
        org.create_user(admin_, {"agent1", "坐席一", "Passw0rd-123", b1_.id, {"agent"}, "", ""});
    agent_p_ = org.principal_for(agent_);
  }

  void TearDown() override {
    app_.reset();
    if (admin_db_)
      admin_db_->write(
          [&](db::Session& s) { s.exec_script("DROP SCHEMA " + schema_ + " CASCADE"); });
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  SurveyService& svc() { return app_->surveys(); }

  Questionnaire csi() {
    return *app_->db().reading([&](db::Session& s) { return svc().by_code(s, "car_service_csi"); });
  }

  int64_t record(const Questionnaire& q, const Answers& a, const org::Unit& u,
                 std::optional<int64_t> agent, int64_t at, int64_t source_id) {
    return app_->db().writing([&](db::Session& s) {
      SurveyService::AnswerRecord r;
      r.questionnaire_id = q.id;
      r.version = q.version;
      r.source = "callback";
      r.source_id = source_id;
      r.channel = "phone";
      r.customer_id = 1000 + source_id;
      r.unit_id = u.id;
      r.unit_path = u.path;
      r.agent_id = agent;
      r.answered_at = at;
      r.answers = a;
      r.scored = SurveyService::check_answers(q, a);
      return svc().record(s, r);
    });
  }

  void record_three() {
    Questionnaire q = csi();
    record(q, all_tens(), b1_, agent_.id, kMar10, 1);
    record(q, mixed(), b1_, agent_.id, kMar31Late, 2);
    record(q, all_tens(), b2_, std::nullopt, kApr5, 3);
  }

  static double dim(const ReportRow& r, const std::string& code) {
    for (const auto& [c, v] : r.dims)
      if (c == code) return v;
    ADD_FAILURE() << "no " << code;
    return -1;
  }

  fs::path dir_;
  std::string schema_;
  std::unique_ptr<db::Database> admin_db_;
  std::unique_ptr<App> app_;
  auth::Principal admin_, agent_p_;
  org::Unit region_, b1_, b2_;
  org::User agent_;
};

TEST_P(SurveyStore, PresetsAreThereOnceAndEditsSurviveARestart) {
  auto all = svc().list(admin_);
  EXPECT_EQ(all.size(), presets().size());
  Questionnaire q = csi();
  EXPECT_EQ(q.version, 1);
  q.name = "售后回访（本店版）";
  q = svc().save(admin_, q.id, q);
  EXPECT_EQ(q.version, 2);
  app_->migrate();  // start-up again: presets are not re-applied
  EXPECT_EQ(svc().get(admin_, q.id).name, "售后回访（本店版）");
  EXPECT_EQ(svc().list(admin_).size(), presets().size());
}

TEST_P(SurveyStore, ReportByMonthReadsTheRollUpsOnLocalDays) {
  record_three();
  Report r = svc().report(admin_, {csi().id, "2026-03", "2026-04", "month", std::nullopt});
  ASSERT_EQ(r.rows.size(), 2u);
  const ReportRow& mar = r.rows[0];
  const ReportRow& apr = r.rows[1];
  EXPECT_EQ(mar.key, "2026-03");
  EXPECT_EQ(mar.answers, 1);  // the 16:30Z answer of 03-31 is April in Shanghai
  EXPECT_DOUBLE_EQ(*mar.overall, 100.0);
  EXPECT_EQ(apr.answers, 2);
  EXPECT_EQ(apr.satisfied, 1);
  EXPECT_EQ(apr.fault_asked, 2);
  EXPECT_EQ(apr.fault_fixed, 1);
  EXPECT_NEAR(*apr.overall, (67.0 + 100.0) / 2, 1e-9);
  EXPECT_NEAR(dim(apr, "reception"), (70.0 + 100.0) / 2, 1e-9);
  EXPECT_NEAR(dim(apr, "quality"), (50.0 + 100.0) / 2, 1e-9);
  EXPECT_NEAR(dim(apr, "cost"), (90.0 + 100.0) / 2, 1e-9);
  EXPECT_EQ(r.total.answers, 3);
  EXPECT_NEAR(*r.total.overall, (100.0 + 67.0 + 100.0) / 3, 1e-9);

  // An empty month in the range is a row without figures, not zeros.
  r = svc().report(admin_, {csi().id, "2026-02", "2026-03", "month", std::nullopt});
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0].answers, 0);
  EXPECT_FALSE(r.rows[0].overall);
  EXPECT_TRUE(r.rows[0].dims.empty());
}

TEST_P(SurveyStore, ReportIsScopedToTheCallersSubtree) {
  record_three();
  int64_t qid = csi().id;
  Report r = svc().report(agent_p_, {qid, "2026-03", "2026-04", "unit", std::nullopt});
  ASSERT_EQ(r.rows.size(), 1u);  // B1 only
  EXPECT_EQ(r.rows[0].key, std::to_string(b1_.id));
  EXPECT_EQ(r.rows[0].label, "B1");
  EXPECT_EQ(r.rows[0].answers, 2);
  EXPECT_NEAR(*r.rows[0].overall, 83.5, 1e-9);
  // A unit outside the caller's scope does not exist for them.
  try {
    svc().report(agent_p_, {qid, "2026-03", "2026-04", "unit", b2_.id});
    FAIL() << "expected 404";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kNotFound);
  }
  // The admin sees both branches, and may narrow to one.
  r = svc().report(admin_, {qid, "2026-03", "2026-04", "unit", std::nullopt});
  EXPECT_EQ(r.rows.size(), 2u);
  r = svc().report(admin_, {qid, "2026-03", "2026-04", "agent", b2_.id});
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].key, "0");  // recorded without an agent
  r = svc().report(admin_, {qid, "2026-03", "2026-04", "agent", std::nullopt});
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[1].label, "坐席一");
}

TEST_P(SurveyStore, RollUpsAgreeWithTheRawAnswers) {
  Questionnaire q = csi();
  // 40 answers over 20 days, alternating branches and answer sets.
  for (int i = 0; i < 40; ++i)
    record(q, i % 3 ? all_tens() : mixed(), i % 2 ? b1_ : b2_,
           i % 4 ? std::optional<int64_t>(agent_.id) : std::nullopt, kMar10 + (i / 2) * kDay + i,
           100 + i);
  Report r = svc().report(admin_, {q.id, "2026-03", "2026-04", "unit", std::nullopt});
  auto raw = app_->db().reading([&](db::Session& s) {
    return s.query_one(
        "SELECT COUNT(*), SUM(overall), SUM(satisfied) FROM survey_answers WHERE "
        "questionnaire_id = ?",
        {q.id});
  });
  EXPECT_EQ(r.total.answers, raw->i64(0));
  EXPECT_NEAR(*r.total.overall * static_cast<double>(r.total.answers), raw->f64(1), 1e-6);
  EXPECT_EQ(r.total.satisfied, raw->i64(2));
  auto dims = app_->db().reading([&](db::Session& s) {
    return s.query_one(
        "SELECT AVG(index_value) FROM survey_answer_dimensions WHERE dimension = 'quality'");
  });
  EXPECT_NEAR(dim(r.total, "quality"), dims->f64(0), 1e-9);
}

TEST_P(SurveyStore, OneAnswerPerSourceAndAnswersKeepTheirVersion) {
  Questionnaire q = csi();
  int64_t id = record(q, all_tens(), b1_, agent_.id, kMar10, 7);
  EXPECT_GT(id, 0);
  try {
    record(q, mixed(), b1_, agent_.id, kMar10, 7);
    FAIL() << "expected 409";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kConflict);
    EXPECT_EQ(e.code(), "survey.already_answered");
  }
  // A new version: the stored answer still names version 1, which still loads.
  Questionnaire v2 = q;
  v2.questions.pop_back();  // drop the complaint question
  v2 = svc().save(admin_, q.id, v2);
  EXPECT_EQ(v2.version, 2);
  auto stored =
      app_->db().reading([&](db::Session& s) { return svc().answer_of(s, "callback", 7); });
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->id, id);
  EXPECT_EQ(stored->version, 1);
  EXPECT_EQ(stored->answers, all_tens());
  EXPECT_DOUBLE_EQ(*stored->scored.overall, 100.0);
  EXPECT_EQ(stored->scored.dimensions.size(), 4u);
  EXPECT_EQ(stored->scored.fault_fixed, std::optional<bool>(true));
  auto v1 = app_->db().reading([&](db::Session& s) { return svc().version(s, q.id, 1); });
  ASSERT_TRUE(v1);
  EXPECT_EQ(v1->questions.size(), q.questions.size());
  auto cur = app_->db().reading([&](db::Session& s) { return svc().current(s, q.id); });
  EXPECT_EQ(cur->version, 2);
  // Deactivated: no longer offered to new work, still readable by version.
  svc().set_active(admin_, q.id, false);
  app_->db().read([&](db::Session& s) {
    EXPECT_FALSE(svc().current(s, q.id));
    EXPECT_FALSE(svc().by_code(s, "car_service_csi"));
    EXPECT_TRUE(svc().version(s, q.id, 2));
  });
}

TEST_P(SurveyStore, RecordPublishesSurveyCompletedInTheSameTransaction) {
  Questionnaire q = csi();
  // A write that fails after record(): nothing of it stays (answer, roll-up, event).
  EXPECT_THROW(app_->db().write([&](db::Session& s) {
    SurveyService::AnswerRecord r;
    r.questionnaire_id = q.id;
    r.version = q.version;
    r.source_id = 9;
    r.channel = "sms";
    r.unit_id = b1_.id;
    r.unit_path = b1_.path;
    r.answered_at = kMar10;
    r.answers = mixed();
    r.scored = SurveyService::check_answers(q, r.answers);
    svc().record(s, r);
    throw std::runtime_error("caller fails later");
  }),
               std::runtime_error);
  auto count = [&](const char* sql) {
    return app_->db().reading([&](db::Session& s) { return s.query_one(sql)->i64(0); });
  };
  EXPECT_EQ(count("SELECT COUNT(*) FROM survey_answers"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM survey_daily"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM events WHERE type = 'survey.completed'"), 0);

  record(q, mixed(), b1_, agent_.id, kMar10, 9);
  auto ev = app_->db().reading([&](db::Session& s) {
    return s.query_one("SELECT payload FROM events WHERE type = 'survey.completed'");
  });
  ASSERT_TRUE(ev);
  auto payload = boost::json::parse(ev->str(0)).as_object();
  EXPECT_EQ(payload.at("satisfied").as_bool(), false);
  EXPECT_EQ(payload.at("source_id").as_int64(), 9);
  EXPECT_EQ(payload.at("complaint_text").as_string(), "发动机异响没有修好");
  // c01 = 6, c05 = 5, c09 = 4, c11 = 5 (each ≤ 6), c03 (not fixed), and the complaint.
  EXPECT_EQ(payload.at("dissatisfied").as_array().size(), 6u);
}

TEST_P(SurveyStore, CheckAnswersRefusesWithOneEntryPerField) {
  Questionnaire q = csi();
  Answers a = all_tens();
  a["c01"] = int64_t{11};
  a["c07"] = int64_t{5};  // hidden: c06 = no
  a.erase("c05");
  try {
    SurveyService::check_answers(q, a);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUnprocessable);
    ASSERT_EQ(e.fields().size(), 3u);
  }
  EXPECT_THROW(SurveyService::parse_answers(R"({"c01": 7.5})"), Error);
  EXPECT_THROW(SurveyService::parse_answers("[1]"), Error);
  Answers parsed = SurveyService::parse_answers(
      R"({"c01": 7, "c03": true, "c04": "body", "x": ["a"], "n": null})");
  EXPECT_EQ(parsed.size(), 4u);
  EXPECT_EQ(std::get<int64_t>(parsed["c01"]), 7);
}

INSTANTIATE_TEST_SUITE_P(Backends, SurveyStore, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace kefu::surveys
