// Demo customers for `kefu init --demo`: a car dealership group's buyers (vehicles,
// deliveries, services) and a property manager's residents (flats, repair visits), all
// invented for this project, deterministic so that screenshots and tests repeat.
#include <cstdio>
#include <random>

#include "app/demo.h"

namespace kefu {
namespace {

const char* const kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
                                 "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "高", "罗"};
const char* const kGiven[] = {"伟",   "芳",   "娜",   "敏",   "静",   "磊",  "强", "洋",
                              "艳",   "勇",   "军",   "杰",   "涛",   "明",  "超", "秀英",
                              "建华", "志强", "海燕", "晓东", "丽娟", "国庆"};
// Streets by city, so that an address reads like one (上海 stores get 上海 streets).
const char* const kShanghai[] = {"徐汇区漕溪北路", "浦东新区张杨路", "静安区南京西路",
                                 "闵行区七莘路"};
const char* const kHangzhou[] = {"西湖区文三路", "拱墅区湖墅南路", "上城区解放路"};
const char* const kGuangzhou[] = {"天河区体育西路", "越秀区东风中路", "海珠区江南大道"};
const char* const kModels[] = {"大众帕萨特", "大众途观L", "别克君越",
                               "丰田凯美瑞", "本田雅阁",  "日产轩逸"};
const char* const kNotes[] = {"客户希望周末联系",
                              "对上次保养满意",
                              "反映空调异响，已预约检查",
                              "厨房漏水已报修",
                              "电梯噪音投诉跟进中",
                              "老客户，推荐过两位朋友",
                              ""};

template <size_t N>
const char* pick(std::mt19937& rng, const char* const (&list)[N]) {
  return list[std::uniform_int_distribution<size_t>(0, N - 1)(rng)];
}

}  // namespace

void create_demo_customers(org::OrgService& org, customers::CustomerService& cs, int count,
                           int64_t now_ms) {
  auto sys = org::OrgService::system_principal("demo");
  std::mt19937 rng(20261125);
  const char* const stores[] = {"SH-XH", "SH-PD", "HZ-XH", "GZ-TH"};
  const char* const plates[] = {"沪A", "沪B", "浙A", "粤A"};
  std::vector<int64_t> store_ids;
  for (const char* s : stores) store_ids.push_back(org.get_unit_by_code(sys, s).id);
  // Owners are the agents whose unit contains the store (none in 杭州: left unowned).
  auto agents =
      org.list_users(sys, {std::nullopt, std::nullopt, std::string("agent"), true, 0, 50}).items;
  std::vector<std::vector<int64_t>> owners(store_ids.size());
  for (size_t k = 0; k < store_ids.size(); ++k) {
    std::string path = org.get_unit(sys, store_ids[k]).path;
    for (const auto& a : agents)
      if (path.rfind(a.unit_path, 0) == 0) owners[k].push_back(a.id);
  }
  constexpr int64_t kDay = 24 * 3600 * 1000LL;
  for (int i = 0; i < count; ++i) {
    size_t store = static_cast<size_t>(i) % store_ids.size();
    customers::CustomerInput in;
    in.name = std::string(pick(rng, kSurnames)) + pick(rng, kGiven);
    in.unit_id = store_ids[store];
    char phone[16];
    std::snprintf(phone, sizeof phone, "1%d%09d", 3 + static_cast<int>(rng() % 7),
                  static_cast<int>(rng() % 1000000000));
    in.phones = std::vector<customers::Phone>{{phone, "mobile", true}};
    const char* street = store < 2    ? pick(rng, kShanghai)
                         : store == 2 ? pick(rng, kHangzhou)
                                      : pick(rng, kGuangzhou);
    in.address = std::string(store < 2    ? "上海市"
                             : store == 2 ? "杭州市"
                                          : "广州市") +
                 street + std::to_string(10 + rng() % 400) + "号";
    in.source = std::vector<std::string>{"walk_in", "hotline", "web", "referral"}[rng() % 4];
    in.gender = rng() % 2 ? "male" : "female";
    if (rng() % 3) {
      char bday[16];
      std::snprintf(bday, sizeof bday, "%d-%02d-%02d", 1960 + static_cast<int>(rng() % 40),
                    1 + static_cast<int>(rng() % 12), 1 + static_cast<int>(rng() % 28));
      in.birthday = bday;
    }
    in.notes = pick(rng, kNotes);
    if (!owners[store].empty() && rng() % 4)
      in.owner_id = std::optional<int64_t>(owners[store][rng() % owners[store].size()]);
    customers::CustomerView created;
    try {
      created = cs.create(sys, in);
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::kConflict) continue;  // a generated phone number repeated: skip
      throw;
    }
    int64_t id = created.customer.id;
    if (i % 5 == 4) {  // a prospect: came to the store, did not buy
      cs.record_event(sys, {id, std::nullopt, "visit_without_purchase",
                            now_ms - static_cast<int64_t>(rng() % 60) * kDay, std::nullopt,
                            std::nullopt, 0, std::nullopt, "{}", std::nullopt});
      continue;
    }
    char plate[32];
    std::snprintf(plate, sizeof plate, "%s%05d", plates[store], static_cast<int>(rng() % 100000));
    char vin[24];
    std::snprintf(vin, sizeof vin, "LSV%014llu",
                  static_cast<unsigned long long>(rng()) * 7919ULL % 100000000000000ULL);
    int64_t delivered = now_ms - static_cast<int64_t>(rng() % 700) * kDay;
    std::string attrs = std::string("{\"plate\":\"") + plate + "\",\"vin\":\"" + vin +
                        "\",\"model\":\"" + pick(rng, kModels) +
                        "\",\"mileage_km\":" + std::to_string(rng() % 60000) + "}";
    auto asset = cs.add_asset(sys, id, "vehicle", attrs);
    cs.record_event(
        sys, {id, std::nullopt, "delivery", delivered, std::nullopt, std::nullopt,
              static_cast<int64_t>(120000 + rng() % 250000) * 100, asset.id, "{}", std::nullopt});
    if (i % 6 == 0) {  // a regular, serviced every three months or so (loyal); no rng draw,
                       // so the other demo records stay as they were
      for (int64_t days_ago : {20, 110, 200})
        cs.record_event(sys, {id, std::nullopt, "service", now_ms - days_ago * kDay, std::nullopt,
                              std::nullopt, 120000 + static_cast<int64_t>(i % 5) * 20000,
                              asset.id, "{\"work\":\"定期保养\"}", std::nullopt});
    }
    if (rng() % 2) {
      cs.record_event(sys,
                      {id, std::nullopt, "repair",
                       std::min(now_ms, delivered + static_cast<int64_t>(30 + rng() % 300) * kDay),
                       std::nullopt, std::nullopt, static_cast<int64_t>(rng() % 300000), asset.id,
                       "{\"work\":\"常规保养\"}", std::nullopt});
    }
  }
}

}  // namespace kefu
