// Demo survey answers: half a year of new-car (SSI) and after-sales (CSI) callbacks in the
// demo stores, as the callbacks module would record them, and the region's and the nation's
// benchmarks of those months. Deterministic, invented for this project.
#include <iostream>
#include <random>

#include "app/demo.h"
#include "modules/surveys/model.h"

namespace kefu {
namespace {

constexpr int64_t kDayMs = 24LL * 3600 * 1000;

struct Store {
  const char* code;
  const char* agent;  // nullptr: recorded without an agent
  int weakness;       // points taken off scale answers now and then
};

}  // namespace

void create_demo_surveys(org::OrgService& org, surveys::SurveyService& svc, db::Database& db,
                         int64_t now_ms) {
  auto sys = org::OrgService::system_principal("demo");
  const Store stores[] = {{"SH-XH", "agent.zhang", 0},
                          {"SH-PD", "agent.zhang", 1},
                          {"HZ-XH", nullptr, 1},
                          {"GZ-TH", "agent.liu", 2}};
  std::mt19937 rng(20260401);
  auto uni = [&](double a, double b) { return std::uniform_real_distribution<double>(a, b)(rng); };
  const char* complaints[] = {"交车时没有讲清楚保养周期", "等候时间太长，休息区没有座位",
                              "赠送的脚垫到现在还没给", "结算时多收了一项检测费",
                              "洗车不干净，座椅上有灰"};
  auto answer = [&](const surveys::Questionnaire& q, int weakness) {
    surveys::Answers a;
    for (const auto& x : q.questions) {
      if (!surveys::shown(q, a)[x.code]) continue;
      if (x.type == "scale") {
        double r = uni(0, 1);
        int top = x.scale_max, v;
        if (r < 0.66)
          v = top;
        else if (r < 0.9)
          v = top - (top >= 10 ? 1 : 0);
        else if (r < 0.98)
          v = top - (top >= 10 ? 2 : 1);
        else
          v = x.scale_min + static_cast<int>(uni(0, top - x.scale_min));
        if (weakness && uni(0, 1) < 0.15 * weakness) v -= 1;
        a[x.code] = static_cast<int64_t>(std::max(x.scale_min, std::min(top, v)));
      } else if (x.type == "yes_no") {
        double yes = x.role == "hotline_told"                       ? 0.82 - 0.05 * weakness
                     : x.role == "fault_fixed"                      ? 0.97
                     : x.dissatisfied_when && !*x.dissatisfied_when ? 0.96
                     : x.dissatisfied_when                          ? 0.04
                                                                    : 0.3;
        a[x.code] = uni(0, 1) < yes;
      } else if (x.type == "single") {
        a[x.code] = x.options[static_cast<size_t>(uni(0, static_cast<double>(x.options.size()))) %
                              x.options.size()]
                        .code;
      } else if (x.type == "text") {
        if (x.required || uni(0, 1) < 0.06)
          a[x.code] = std::string(complaints[static_cast<size_t>(uni(0, 5)) % 5]);
      }
    }
    return a;
  };

  std::vector<surveys::Questionnaire> qs;
  db.read([&](db::Session& s) {
    for (const char* code : {"car_sales_ssi", "car_service_csi"})
      if (auto q = svc.by_code(s, code)) qs.push_back(*q);
  });
  struct Target {
    org::Unit unit;
    std::optional<int64_t> agent;
    int weakness;
  };
  std::vector<Target> targets;
  for (const auto& st : stores) {
    Target t{org.get_unit_by_code(sys, st.code), std::nullopt, st.weakness};
    if (st.agent) t.agent = org.find_user_by_name(sys, st.agent).id;
    targets.push_back(t);
  }
  int64_t source = 0, n = 0;
  const int64_t today = now_ms - now_ms % kDayMs;
  for (int day = 180; day >= 1; --day) {
    db.write([&](db::Session& s) {
      for (const auto& q : qs)
        for (const auto& t : targets) {
          if (uni(0, 1) < 0.3) continue;
          surveys::SurveyService::AnswerRecord r;
          r.questionnaire_id = q.id;
          r.version = q.version;
          r.source = "demo";
          r.source_id = ++source;
          r.channel = uni(0, 1) < 0.8 ? "phone" : "sms";
          r.customer_id = 0;
          r.unit_id = t.unit.id;
          r.unit_path = t.unit.path;
          r.agent_id = t.agent;
          r.answered_at = today - day * kDayMs + static_cast<int64_t>(uni(1, 10) * 3600 * 1000);
          r.answers = answer(q, t.weakness);
          try {
            r.scored = surveys::SurveyService::check_answers(q, r.answers);
          } catch (const Error&) {
            continue;  // a generated answer the rules refuse: leave it out
          }
          svc.record(s, r);
          ++n;
        }
    });
  }
  // Benchmarks of the SSI for the same months.
  std::vector<surveys::Benchmark> bm;
  for (const auto& q : qs) {
    if (q.code != "car_sales_ssi") continue;
    for (int m = 0; m < 7; ++m) {
      std::string month = surveys::local_day(today - (180 - m * 30) * kDayMs, 480).substr(0, 7);
      for (const char* level : {"region", "nation"}) {
        double base = std::string(level) == "region" ? 955 : 962;
        bm.push_back({q.code, "overall", month, level, base + uni(0, 12)});
        for (const auto& d : q.dimensions)
          bm.push_back({q.code, d.code, month, level, base - 10 + uni(0, 25)});
      }
    }
  }
  // Months repeat at the edges: the last value wins.
  std::map<std::string, surveys::Benchmark> unique;
  for (auto& b : bm) unique[b.dimension + b.period + b.level] = b;
  bm.clear();
  for (auto& [k, b] : unique) bm.push_back(b);
  svc.set_benchmarks(sys, bm);
  std::cout << "Demo survey answers: " << n << " (SSI and CSI, last 180 days) with benchmarks\n";
}

}  // namespace kefu
