#include "app/demo.h"

#include <iostream>

namespace kefu {

void create_demo_organisation(org::OrgService& org, const std::string& password) {
  auto sys = org::OrgService::system_principal("demo");
  auto root = org.get_unit_by_code(sys, org.list_units(sys, {}).items.front().code);
  struct U {
    const char* parent;
    const char* code;
    const char* name;
    org::UnitKind kind;
  };
  const U units[] = {
      {nullptr, "EAST", "华东大区", org::UnitKind::kRegion},
      {nullptr, "SOUTH", "华南大区", org::UnitKind::kRegion},
      {nullptr, "HQ-CS", "总部客服中心", org::UnitKind::kDepartment},
      {"EAST", "SH", "上海分部", org::UnitKind::kBranch},
      {"EAST", "HZ", "杭州分部", org::UnitKind::kBranch},
      {"SOUTH", "GZ", "广州分部", org::UnitKind::kBranch},
      {"SH", "SH-XH", "上海徐汇店", org::UnitKind::kStore},
      {"SH", "SH-PD", "上海浦东店", org::UnitKind::kStore},
      {"SH", "SH-AS", "上海售后服务部", org::UnitKind::kDepartment},
      {"HZ", "HZ-XH", "杭州西湖店", org::UnitKind::kStore},
      {"GZ", "GZ-TH", "广州天河店", org::UnitKind::kStore},
      {"GZ", "GZ-LG", "广州物流部", org::UnitKind::kDepartment},
  };
  for (const auto& u : units) {
    int64_t parent = u.parent ? org.get_unit_by_code(sys, u.parent).id : root.id;
    org.create_unit(sys, {parent, u.code, u.name, u.kind});
  }
  struct P {
    const char* username;
    const char* name;
    const char* unit;
    const char* role;
    const char* phone;
  };
  const P people[] = {
      {"manager", "王经理", nullptr, "manager", "13800138001"},  // the whole company
      {"supervisor.sh", "李主管", "SH", "supervisor", "13900139002"},
      {"agent.zhang", "张伟", "SH", "agent", "13700137003"},
      {"agent.liu", "刘芳", "GZ", "agent", "13600136004"},
      {"inspector", "陈静", "HQ-CS", "inspector", "13500135005"},
      {"handler.sh", "赵磊", "SH-AS", "handler", "13300133006"},
      {"viewer", "周总", "EAST", "viewer", "13200132007"},
  };
  std::cout << "\nDemo users (password: " << password << "):\n";
  for (const auto& p : people) {
    int64_t unit = p.unit ? org.get_unit_by_code(sys, p.unit).id : root.id;
    org::NewUser nu{p.username, p.name, password, unit, {p.role}, p.phone, ""};
    org.create_user(sys, nu);
    std::cout << "  " << p.username << "  (" << p.role << ", " << (p.unit ? p.unit : root.code)
              << ")\n";
  }
}

}  // namespace kefu
