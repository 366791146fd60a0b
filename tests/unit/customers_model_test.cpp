#include <gtest/gtest.h>

#include <stdexcept>

#include "modules/customers/model.h"

namespace kefu::customers {
namespace {

TEST(Phones, NormalisesWhatPeopleType) {
  EXPECT_EQ(normalise_phone("13812345678"), "13812345678");
  EXPECT_EQ(normalise_phone("+86 138-1234-5678"), "13812345678");
  EXPECT_EQ(normalise_phone("0086 13812345678"), "13812345678");
  EXPECT_EQ(normalise_phone("86 13812345678"), "13812345678");
  EXPECT_EQ(normalise_phone("138 1234 5678"), "13812345678");
  EXPECT_EQ(normalise_phone("(021) 6123-4567"), "021-61234567");
  EXPECT_EQ(normalise_phone("010-62345678"), "010-62345678");
  EXPECT_FALSE(normalise_phone("010-12345678"));  // local numbers never start with 1
  EXPECT_EQ(normalise_phone("0571 8765 4321"), "0571-87654321");
  EXPECT_EQ(normalise_phone("0755-8123456"), "0755-8123456");
}

TEST(Phones, RefusesWhatCannotBeCalled) {
  EXPECT_FALSE(normalise_phone("12812345678"));   // no such mobile prefix
  EXPECT_FALSE(normalise_phone("1381234567"));    // one digit short
  EXPECT_FALSE(normalise_phone("138123456789"));  // one digit long
  EXPECT_FALSE(normalise_phone("400-820-8820"));  // a service number, not a customer's
  EXPECT_FALSE(normalise_phone("138abc45678"));
  EXPECT_FALSE(normalise_phone(""));
  EXPECT_TRUE(is_mobile("13812345678"));
  EXPECT_FALSE(is_mobile("021-61234567"));
}

TEST(Dates, RealCalendarDatesOnly) {
  EXPECT_TRUE(valid_date("2024-02-29"));
  EXPECT_FALSE(valid_date("2025-02-29"));
  EXPECT_FALSE(valid_date("2025-02-30"));
  EXPECT_FALSE(valid_date("2025-13-01"));
  EXPECT_FALSE(valid_date("2025/01/01"));
  EXPECT_TRUE(valid_clock_time("21:30"));
  EXPECT_FALSE(valid_clock_time("24:00"));
  EXPECT_FALSE(valid_clock_time("9:30"));
}

const AssetType& vehicle() {
  return preset_asset_types().front();
}

std::vector<std::string> problems(const AssetType& t, const std::vector<AttrValue>& v) {
  std::vector<std::string> out;
  for (const auto& p : check_attributes(t, v)) out.push_back(p.key + ":" + p.code);
  return out;
}

TEST(Assets, VehicleFieldsAreChecked) {
  ASSERT_EQ(vehicle().code, "vehicle");
  EXPECT_TRUE(problems(vehicle(), {{"plate", "沪A12345", false, true}}).empty());
  EXPECT_EQ(problems(vehicle(), {{"vin", "LSV", false, true}}),
            std::vector<std::string>{"plate:field.required"});
  EXPECT_EQ(
      problems(vehicle(), {{"plate", "沪A1", false, true}, {"mileage_km", "12k", false, true}}),
      std::vector<std::string>{"mileage_km:field.wrong_type"});
  EXPECT_EQ(problems(vehicle(), {{"plate", "沪A1", false, true},
                                 {"delivery_date", "2025-02-30", false, true}}),
            std::vector<std::string>{"delivery_date:field.invalid"});
  EXPECT_EQ(problems(vehicle(), {{"plate", "沪A1", false, true}, {"colour", "red", false, true}}),
            std::vector<std::string>{"colour:field.unknown"});
  EXPECT_TRUE(
      problems(vehicle(), {{"plate", "沪A1", false, true}, {"mileage_km", "12000", true, false}})
          .empty());
}

TEST(Assets, EnumAndPhoneFields) {
  const AssetType* securities = nullptr;
  const AssetType* line = nullptr;
  for (const auto& t : preset_asset_types()) {
    if (t.code == "securities_account") securities = &t;
    if (t.code == "phone_line") line = &t;
  }
  ASSERT_TRUE(securities && line);
  EXPECT_TRUE(problems(*securities, {{"account_no", "A1", false, true},
                                     {"risk_preference", "steady", false, true}})
                  .empty());
  EXPECT_EQ(problems(*securities,
                     {{"account_no", "A1", false, true}, {"risk_preference", "yolo", false, true}}),
            std::vector<std::string>{"risk_preference:field.invalid"});
  EXPECT_EQ(problems(*line, {{"number", "12345", false, true}}),
            std::vector<std::string>{"number:field.invalid"});
}

TEST(Assets, LabelsReadLikeThePaperForms) {
  EXPECT_EQ(asset_label(vehicle(),
                        {{"plate", "沪A12345", false, true}, {"model", "帕萨特", false, true}}),
            "沪A12345 帕萨特");
  EXPECT_EQ(asset_label(vehicle(), {}), "车辆");
}

TEST(Events, OutboxTypesForTheRules) {
  EXPECT_EQ(outbox_type("delivery", "vehicle"), "vehicle.delivered");
  EXPECT_EQ(outbox_type("delivery", "shop_account"), "delivery.completed");
  EXPECT_EQ(outbox_type("purchase", ""), "sale.completed");
  EXPECT_EQ(outbox_type("repair", "vehicle"), "repair.closed");
  EXPECT_EQ(outbox_type("visit_without_purchase", ""), "store.visit_without_purchase");
  EXPECT_EQ(outbox_type("call", ""), "customer.call");
}

TEST(Completeness, WeighsWhatIsMissing) {
  Customer c;
  auto empty = completeness(c);
  EXPECT_EQ(empty.score, 0);
  EXPECT_EQ(empty.missing,
            (std::vector<std::string>{"phone", "address", "birthday", "assets", "owner"}));
  c.phones.push_back({"13812345678", "", true});
  c.address = "上海市";
  c.birthday = "1980-05-01";
  c.asset_count = 1;
  c.owner_id = 7;
  EXPECT_EQ(completeness(c).score, 100);
  Customer org;
  org.kind = Kind::kOrganisation;
  EXPECT_EQ(completeness(org).missing,
            (std::vector<std::string>{"phone", "address", "assets", "owner"}));
}

TEST(Codes, StablePerCompany) {
  EXPECT_EQ(customer_code(123), "C00000123");
}

// ---- The assets import: columns and cells from the type's definition

const AssetType& preset(const std::string& code) {
  for (const auto& t : preset_asset_types())
    if (t.code == code) return t;
  throw std::logic_error("no preset " + code);
}

TEST(AssetImport, ColumnTitlesComeFromKeysAndLabels) {
  auto titles = asset_column_titles(preset("vehicle"));
  EXPECT_EQ(titles.at("plate"), "plate");
  EXPECT_EQ(titles.at("车牌号"), "plate");
  EXPECT_EQ(titles.at("车架号(VIN)"), "vin");
  EXPECT_EQ(titles.at("车架号"), "vin");  // the label without its bracket
  EXPECT_EQ(titles.at("VIN"), "vin");
  EXPECT_EQ(titles.at("行驶里程"), "mileage_km");
  EXPECT_EQ(titles.at("Mileage"), "mileage_km");
  AssetType custom{
      "x",
      "自定义",
      "Custom",
      {{"a", "编号（内部）", "", "text", true, {}}, {"b", "编号", "", "text", false, {}}},
      true};
  auto t = asset_column_titles(custom);
  EXPECT_EQ(t.count("编号"), 0u);  // two fields could mean it: the user maps it
  EXPECT_EQ(t.at("编号（内部）"), "a");
  EXPECT_EQ(t.at("b"), "b");
}

TEST(AssetImport, CellsBecomeWhatTheApiReceives) {
  const AssetType& v = preset("vehicle");
  auto mileage = asset_cell_value(v.fields[4], "12,800");
  EXPECT_TRUE(mileage.is_number);
  EXPECT_EQ(mileage.text, "12800");
  EXPECT_TRUE(asset_cell_value(v.fields[4], "十二").is_string);
  EXPECT_EQ(asset_cell_value(v.fields[3], "2024/5/1").text, "2024-05-01");
  EXPECT_EQ(asset_cell_value(v.fields[3], "2024年5月1日").text, "2024-05-01");
  EXPECT_EQ(asset_cell_value(preset("phone_line").fields[0], "+86 139-7000-9999").text,
            "13970009999");
  std::vector<AttrValue> bad = {asset_cell_value(v.fields[0], "沪A1"),
                                asset_cell_value(v.fields[3], "2024-02-30"),
                                asset_cell_value(v.fields[4], "1.5km")};
  auto problems = check_attributes(v, bad);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].key, "delivery_date");
  EXPECT_EQ(problems[1].code, "field.wrong_type");
}

TEST(AssetImport, IdentityIsTheLabelFields) {
  const AssetType& flat = preset("property_unit");
  std::vector<AttrValue> a = {{"building", "3栋", false, true},
                              {"unit", "2单元", false, true},
                              {"room", "1201", false, true},
                              {"move_in_date", "2024-05-01", false, true}};
  std::vector<AttrValue> b = {{"building", "3栋", false, true},
                              {"unit", "2单元", false, true},
                              {"room", "1201", false, true}};
  std::vector<AttrValue> c = {{"building", "3栋", false, true}, {"room", "21201", false, true}};
  EXPECT_EQ(asset_identity(flat, a), asset_identity(flat, b));  // the date tells nothing apart
  EXPECT_NE(asset_identity(flat, b), asset_identity(flat, c));
}

TEST(AssetImport, YesAndNo) {
  EXPECT_EQ(yes_no_of("是"), true);
  EXPECT_EQ(yes_no_of("YES"), true);
  EXPECT_EQ(yes_no_of("不允许"), false);
  EXPECT_EQ(yes_no_of("0"), false);
  EXPECT_FALSE(yes_no_of("也许"));
  EXPECT_EQ(normalise_date("1985.3.2"), "1985-03-02");
  EXPECT_EQ(normalise_date("3/2/1985"), "3/2/1985");
}

}  // namespace
}  // namespace kefu::customers
