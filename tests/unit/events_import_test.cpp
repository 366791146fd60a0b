// Pure pieces of the history import (customers/model.h) and of resumable uploads' part
// numbering (platform/storage/uploads.h).
#include <gtest/gtest.h>

#include "modules/customers/model.h"
#include "platform/storage/uploads.h"

namespace kefu {
namespace {

using customers::event_kind_of;
using customers::parse_fen;
using customers::parse_local_time;
using customers::yuan_to_fen;

TEST(YuanToFen, ExactWithoutFloatingPoint) {
  EXPECT_EQ(yuan_to_fen("128"), 12800);
  EXPECT_EQ(yuan_to_fen("128.5"), 12850);
  EXPECT_EQ(yuan_to_fen("128.50"), 12850);
  EXPECT_EQ(yuan_to_fen("0.01"), 1);
  EXPECT_EQ(yuan_to_fen("0.29"), 29);  // 0.29 * 100 is 28.999… in binary floating point
  EXPECT_EQ(yuan_to_fen("1.15"), 115);
  EXPECT_EQ(yuan_to_fen("¥1,280.00"), 128000);
  EXPECT_EQ(yuan_to_fen("￥12,345,678.9"), 1234567890);
  EXPECT_EQ(yuan_to_fen(" 1280元 "), 128000);
  EXPECT_EQ(yuan_to_fen("0"), 0);
  EXPECT_EQ(yuan_to_fen("9999999999999.99"), 999999999999999);
  EXPECT_FALSE(yuan_to_fen("10000000000000.01"));  // over 10^15 fen
  EXPECT_FALSE(yuan_to_fen("99999999999999999999"));
  for (const char* bad : {"", "-5", "+5", "1.234", "1.", ".5", "1,28", "12,3456", ",123", "1e3",
                          "一百", "12.3a", "1 000", "¥", "1.2.3"})
    EXPECT_FALSE(yuan_to_fen(bad)) << bad;
}

TEST(ParseFen, WholeNumbersOnly) {
  EXPECT_EQ(parse_fen("12800"), 12800);
  EXPECT_EQ(parse_fen("12,800"), 12800);
  EXPECT_EQ(parse_fen("12800.00"), 12800);
  EXPECT_EQ(parse_fen("0"), 0);
  for (const char* bad : {"", "12.5", "-1", "x", "12800.", "1e5"}) EXPECT_FALSE(parse_fen(bad)) << bad;
}

TEST(EventKinds, CodesAndChineseNames) {
  EXPECT_EQ(event_kind_of("repair"), "repair");
  EXPECT_EQ(event_kind_of(" Purchase "), "purchase");
  EXPECT_EQ(event_kind_of("维修"), "repair");
  EXPECT_EQ(event_kind_of("保养"), "service");
  EXPECT_EQ(event_kind_of("交车"), "delivery");
  EXPECT_EQ(event_kind_of("到店未购"), "visit_without_purchase");
  EXPECT_EQ(event_kind_of("来电"), "call");
  EXPECT_FALSE(event_kind_of("洗车"));
  EXPECT_FALSE(event_kind_of(""));
}

TEST(LocalTime, WhatPeopleTypeInTheCompanysZone) {
  const int bj = 480;
  const int64_t t = 1772346600000;  // 2026-03-01 14:30:00 +08:00
  EXPECT_EQ(parse_local_time("2026-03-01 14:30", bj), t);
  EXPECT_EQ(parse_local_time("2026/3/1 14:30", bj), t);
  EXPECT_EQ(parse_local_time("2026-03-01T14:30:00", bj), t);
  EXPECT_EQ(parse_local_time("2026-03-01 14:30:05", bj), t + 5000);
  EXPECT_EQ(parse_local_time("2026年3月1日 14时30分", bj), t);
  EXPECT_EQ(parse_local_time("2026年3月1日14:30", bj), t);
  EXPECT_EQ(parse_local_time("2026-03-01", bj), t - (14 * 60 + 30) * 60000LL);
  EXPECT_EQ(parse_local_time("2026.3.1", bj), t - (14 * 60 + 30) * 60000LL);
  EXPECT_EQ(parse_local_time("2026-03-01 14:30", 0), t + 8 * 3600000LL);
  EXPECT_EQ(parse_local_time("2024-02-29", 0), 1709164800000);
  for (const char* bad : {"", "2026-02-29", "2026-13-01", "2026-04-31", "2026-03-01 24:00",
                          "2026-03-01 14:60", "2026-03-01 14", "20260301", "03/01/2026",
                          "2026-03-01 14:30 PM", "yesterday", "46082.5", "2026--03-01"})
    EXPECT_FALSE(parse_local_time(bad, bj)) << bad;
}

TEST(UploadParts, NumberingAndSizes) {
  using storage::missing_parts;
  using storage::part_bytes;
  using storage::part_count;
  EXPECT_EQ(part_count(0, 8), 0);
  EXPECT_EQ(part_count(1, 8), 1);
  EXPECT_EQ(part_count(8, 8), 1);
  EXPECT_EQ(part_count(9, 8), 2);
  EXPECT_EQ(part_count(512ll << 20, 8ll << 20), 64);
  EXPECT_EQ(part_bytes(20, 8, 1), 8);
  EXPECT_EQ(part_bytes(20, 8, 2), 8);
  EXPECT_EQ(part_bytes(20, 8, 3), 4);
  EXPECT_EQ(part_bytes(16, 8, 2), 8);
  EXPECT_EQ(part_bytes(20, 8, 0), 0);
  EXPECT_EQ(part_bytes(20, 8, 4), 0);
  EXPECT_EQ(part_bytes(20, 8, -1), 0);
  EXPECT_EQ(missing_parts(5, {1, 3}), (std::vector<int64_t>{2, 4, 5}));
  EXPECT_EQ(missing_parts(3, {1, 2, 3}), (std::vector<int64_t>{}));
  EXPECT_EQ(missing_parts(2, {}), (std::vector<int64_t>{1, 2}));
  EXPECT_TRUE(storage::valid_upload_id("0123456789abcdef0123456789abcdef"));
  EXPECT_FALSE(storage::valid_upload_id("0123456789ABCDEF0123456789abcdef"));
  EXPECT_FALSE(storage::valid_upload_id("../etc"));
  EXPECT_FALSE(storage::valid_upload_id(""));
}

}  // namespace
}  // namespace kefu
