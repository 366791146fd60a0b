#pragma once
#include <string>

#include "modules/org/service.h"

namespace kefu {

// A demo company: regions, branches, stores and departments, and one user per role, all
// with `password`. Printed by `kefu init --demo` so people can sign in at once.
void create_demo_organisation(org::OrgService& org, const std::string& password);

}  // namespace kefu
