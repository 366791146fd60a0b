// Demo tickets for `kefu init --demo`: a month of complaints, inquiries, repairs and
// after-sales cases across the demo stores, each taken through as much of the closed loop
// as its age allows, by the demo users themselves. Deterministic, invented for this project.
#include <iostream>
#include <map>
#include <random>

#include "app/demo.h"

namespace kefu {
namespace {

struct Story {
  const char* kind;
  const char* category;  // a preset category code
  const char* subject;
  const char* description;
  int64_t asked_yuan;
};

const Story kStories[] = {
    {"complaint", "delivery-late", "新车交付比约定晚了五天",
     "客户称销售顾问承诺月底交车，实际延迟，影响出行安排。", 2000},
    {"complaint", "service-rude", "前台接待态度冷淡", "客户周六到店保养，等待四十分钟无人接待。",
     0},
    {"complaint", "quality-repeat", "空调异响第三次返修", "同一问题三次进厂未修好，客户要求延保。",
     5000},
    {"complaint", "price-overcharge", "保养结算多收工时费",
     "结算单上的工时费与报价不一致，多收 380 元。", 380},
    {"complaint", "service-promise", "承诺回电未兑现",
     "客户两次来电询问理赔进度，约定的回电都没有收到。", 0},
    {"complaint", "quality-parts", "更换的刹车片不是原厂件", "客户怀疑配件来源，要求出示采购凭证。",
     1200},
    {"complaint", "delivery-damaged", "送货上门的家具有划痕",
     "客户签收后发现桌面划痕，要求换货或补偿。", 800},
    {"inquiry", "", "首保需要带哪些材料", "客户询问首次保养的时间和需要携带的证件。", 0},
    {"inquiry", "", "延保产品的价格和范围", "客户想了解两年延保覆盖哪些部件。", 0},
    {"repair", "leak", "卫生间顶部渗水", "楼上住户卫生间渗水到客户家天花板。", 0},
    {"repair", "intercom", "单元门对讲无法开门", "可视对讲有画面但按开门键无反应。", 0},
    {"suggestion", "", "建议周末延长营业时间", "客户建议周六日营业到晚上八点，方便上班族。", 0},
    {"praise", "", "表扬维修技师细心负责", "客户表扬技师主动检查了其他隐患并耐心讲解。", 0},
    {"after_sales", "return", "网购的儿童座椅申请退货", "收到的颜色与订单不符，客户要求退货退款。",
     0},
};

constexpr int64_t kHour = 3600 * 1000LL;
constexpr int64_t kDay = 24 * kHour;

}  // namespace

void create_demo_tickets(org::OrgService& org, customers::CustomerService& cs,
                         tickets::TicketService& ts, AdjustableClock& clock, int count,
                         int64_t now_ms) {
  auto sys = org::OrgService::system_principal("demo");
  auto as = [&](const char* username) {
    return org.principal_for(org.find_user_by_name(sys, username));
  };
  auto agent_sh = as("agent.zhang"), agent_gz = as("agent.liu"), handler = as("handler.sh"),
       supervisor = as("supervisor.sh"), manager = as("manager");
  int64_t sales_dept = org.get_unit_by_code(sys, "SH-AS").id;
  int64_t logistics = org.get_unit_by_code(sys, "GZ-LG").id;
  std::string south_path = org.get_unit_by_code(sys, "GZ").path;
  auto customers = cs.list(sys, {std::nullopt, std::nullopt, std::nullopt, std::nullopt,
                                 std::nullopt, std::nullopt, false, 0, 200})
                       .items;
  std::map<std::string, int64_t> category;  // code → id
  for (const auto& c : ts.categories(sys, std::nullopt)) category[c.code] = c.id;
  auto causes = ts.root_causes(sys);
  std::mt19937 rng(20261126);
  int made = 0;
  for (int i = 0; i < count && !customers.empty(); ++i) {
    const Story& story = kStories[rng() % std::size(kStories)];
    const auto& customer = customers[rng() % customers.size()].customer;
    bool south = customer.unit_path.rfind(south_path, 0) == 0;
    const auth::Principal& agent = south ? agent_gz : agent_sh;
    // Taken some day of the last month, in working hours.
    int64_t age_days = static_cast<int64_t>(rng() % 30);
    int64_t start = now_ms - age_days * kDay;
    start -= (start + 8 * kHour) % kDay;  // local midnight
    start += (9 + rng() % 8) * kHour + (rng() % 60) * 60000;
    if (start > now_ms) start = now_ms - kHour;
    clock.set(start);
    tickets::TicketInput in;
    in.kind = story.kind;
    in.channel = std::vector<std::string>{"hotline",  "hotline",  "store_desk",
                                          "web_form", "callback", "head_office"}[rng() % 6];
    in.severity = rng() % 25 == 0 ? "major" : rng() % 12 == 0 ? "escalated" : "normal";
    in.subject = story.subject;
    in.description = story.description;
    in.customer_id = customer.id;
    if (*story.category && category.count(story.category))
      in.category_id = category[story.category];
    if (story.asked_yuan) in.asked_fen = story.asked_yuan * 100;
    tickets::TicketView t;
    try {
      t = ts.create(agent, in);
    } catch (const Error&) {
      continue;  // a customer outside this agent's branch (杭州 has no demo agent): skip
    }
    ++made;
    int64_t id = t.ticket.id;
    auto step = [&](const auth::Principal& who, tickets::StepInput s, int64_t after_hours) {
      int64_t at = clock.now_ms() + after_hours * kHour;
      if (at >= now_ms) return false;  // the rest of this ticket's story has not happened yet
      clock.set(at);
      ts.act(who, id, s);
      return true;
    };
    std::string kind = story.kind;
    if (kind == "inquiry" || kind == "praise" || kind == "suggestion") {
      tickets::StepInput s;
      s.action = tickets::Action::kAnswer;
      s.comment = kind == "inquiry" ? "已电话答复客户，并短信发送了相关说明。"
                                    : "已感谢客户并转达相关部门。";
      step(agent, s, 1);
      continue;
    }
    tickets::StepInput s;
    s.action = tickets::Action::kAccept;
    if (!step(agent, s, 1)) continue;
    s = {};
    s.action = tickets::Action::kRoute;
    s.resp_unit_id = south ? logistics : sales_dept;
    s.comment = "请责任部门三个工作日内处理并回复客户。";
    if (!step(agent, s, 2)) continue;
    if (south) continue;  // the logistics desk has no demo handler: left waiting
    s = {};
    s.action = tickets::Action::kInvestigate;
    s.root_cause_id = causes[rng() % causes.size()].id;
    s.findings = "已联系当事员工核实经过，情况属实。";
    if (!step(handler, s, 20 + rng() % 30)) continue;
    s = {};
    s.action = tickets::Action::kPropose;
    s.solutions = std::vector<std::string>{"当面致歉并赠送一次免费保养", "按客户要求给予现金补偿"};
    if (!step(handler, s, 3)) continue;
    s = {};
    s.action = tickets::Action::kApprove;
    s.solution_index = story.asked_yuan ? 1 : 0;
    if (!step(supervisor, s, 4)) continue;
    s = {};
    s.action = tickets::Action::kImplement;
    s.implementation = "已按批准的方案执行，客户签字确认。";
    if (story.asked_yuan) s.paid_fen = story.asked_yuan * (40 + rng() % 40);  // 40–79 %
    if (!step(handler, s, 6)) continue;
    s = {};
    s.action = tickets::Action::kVerify;
    s.satisfied = rng() % 8 != 0;
    s.comment = *s.satisfied ? "回访客户，对处理结果满意。" : "客户对处理结果仍不满意。";
    if (!step(agent, s, 20)) continue;
    if (rng() % 6 == 0) {
      tickets::SanctionInput x;
      x.kind = "penalty";
      x.user_id = handler.user_id;
      x.amount_fen = 5000 * (1 + rng() % 4);
      x.reason = "投诉成立，当事人负主要责任";
      auto proposed = ts.propose_sanction(supervisor, id, x);
      ts.decide_sanction(manager, proposed.id, true);
    }
  }
  clock.set(now_ms);
  std::cout << "Demo tickets: " << made << "\n";
}

}  // namespace kefu
