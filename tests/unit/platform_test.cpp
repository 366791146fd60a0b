#include <gtest/gtest.h>

#include <filesystem>

#include "platform/audit/audit.h"
#include "platform/auth/password.h"
#include "platform/auth/throttle.h"
#include "platform/config/config.h"
#include "platform/core/error.h"
#include "platform/core/i18n.h"
#include "platform/core/json_input.h"
#include "platform/db/migrations.h"
#include "platform/http/router.h"

namespace kefu {
namespace {

std::vector<std::string> codes_of(const Error& e) {
  std::vector<std::string> out;
  for (const auto& f : e.fields()) out.push_back(f.field + ":" + f.code);
  return out;
}

TEST(JsonInput, CollectsEveryBadFieldAtOnce) {
  auto obj = parse_json_object(R"({"name": 5, "extra": true, "roles": ["a", 3]})");
  JsonInput in(obj);
  in.text("name");
  in.text("code");
  in.text_list("roles");
  try {
    in.finish();
    FAIL() << "expected a validation error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUnprocessable);
    EXPECT_EQ(codes_of(e),
              (std::vector<std::string>{"name:field.wrong_type", "code:field.required",
                                        "roles[1]:field.wrong_type", "extra:field.unknown"}));
  }
}

TEST(JsonInput, CountsCharactersNotBytesAndTrims) {
  auto obj = parse_json_object(R"({"name": "  上海徐汇店  "})");
  JsonInput in(obj);
  EXPECT_EQ(in.text("name", {1, 5}), "上海徐汇店");
  in.finish();
}

TEST(JsonInput, RefusesMalformedBodies) {
  auto kind_of = [](std::string_view body) {
    try {
      parse_json_object(body);
    } catch (const Error& e) {
      return e.code();
    }
    return std::string("accepted");
  };
  EXPECT_EQ(kind_of("{"), "request.malformed_json");
  EXPECT_EQ(kind_of("[1]"), "request.not_an_object");
  EXPECT_EQ(kind_of("{\"a\": \"\xff\xfe\"}"), "request.invalid_utf8");
  EXPECT_EQ(kind_of("{\"a\": \"\xed\xa0\x80\"}"), "request.invalid_utf8");  // a UTF-16 surrogate
  EXPECT_EQ(kind_of(R"({"a": "张伟"})"), "accepted");
}

TEST(I18n, PicksTheCallersLanguageAndFillsParams) {
  i18n::add({{"test.hello", "你好，{name}", "Hello, {name}"}});
  EXPECT_EQ(i18n::from_accept_language("en-US,en;q=0.9"), i18n::Lang::kEn);
  EXPECT_EQ(i18n::from_accept_language("zh-CN,zh;q=0.9,en;q=0.8"), i18n::Lang::kZh);
  EXPECT_EQ(i18n::from_accept_language(""), i18n::Lang::kZh);
  EXPECT_EQ(i18n::from_accept_language("fr, en"), i18n::Lang::kEn);
  EXPECT_EQ(i18n::render(i18n::Lang::kZh, "test.hello", {{"name", "张伟"}}), "你好，张伟");
  EXPECT_EQ(i18n::render(i18n::Lang::kEn, "test.hello", {{"name", "Li"}}), "Hello, Li");
  EXPECT_EQ(i18n::render(i18n::Lang::kEn, "test.unknown"), "test.unknown");
}

TEST(Router, MatchesPathParamsAndTellsWrongMethodsApart) {
  http::Router r;
  r.add("GET", "/api/v1/users/{id}", [](http::Context&) { return http::Response::text("get"); });
  r.add("PATCH", "/api/v1/users/{id}",
        [](http::Context&) { return http::Response::text("patch"); });
  http::Request req;
  req.method = "PATCH";
  req.path = "/api/v1/users/42";
  auto m = r.match(req);
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/api/v1/users/{id}");
  EXPECT_EQ(req.path_param("id"), "42");
  req.method = "DELETE";
  m = r.match(req);
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.path_known);
  req.path = "/api/v1/nothing";
  m = r.match(req);
  EXPECT_FALSE(m.path_known);
}

TEST(Config, LaterSourcesWin) {
  Config c;
  EXPECT_EQ(c.str("server.listen"), "127.0.0.1:8080");
  auto path = std::filesystem::temp_directory_path() / "kefu-config-test.toml";
  {
    std::FILE* f = std::fopen(path.c_str(), "w");
    std::fputs("[server]\nlisten = \"0.0.0.0:9000\"\nworkers = 8\n", f);
    std::fclose(f);
  }
  c.load_file(path);
  EXPECT_EQ(c.str("server.listen"), "0.0.0.0:9000");
  EXPECT_EQ(c.integer("server.workers"), 8);
  setenv("KEFU_SERVER_WORKERS", "12", 1);
  c.load_env();
  unsetenv("KEFU_SERVER_WORKERS");
  EXPECT_EQ(c.integer("server.workers"), 12);
  c.set("server.workers", "3");
  EXPECT_EQ(c.integer("server.workers"), 3);
  EXPECT_THROW(c.set("server.nonsense", "1"), std::runtime_error);
  std::filesystem::remove(path);
}

TEST(Password, Argon2idRoundTrip) {
  std::string h = auth::hash_password("kefu2026");
  EXPECT_EQ(h.rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(auth::verify_password(h, "kefu2026"));
  EXPECT_FALSE(auth::verify_password(h, "kefu2027"));
}

TEST(Throttle, SlidingWindow) {
  auth::Throttle t(3, 1000);
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(t.allowed("1.2.3.4", 100));
    t.record_failure("1.2.3.4", 100);
  }
  EXPECT_FALSE(t.allowed("1.2.3.4", 500));
  EXPECT_TRUE(t.allowed("5.6.7.8", 500));
  EXPECT_TRUE(t.allowed("1.2.3.4", 1200));  // the failures have left the window
}

TEST(Migrations, OrderedByComponentThenVersion) {
  std::map<std::string, std::string> files = {
      {"src/modules/org/migrations/sqlite/0002_more.sql", "b"},
      {"src/modules/org/migrations/sqlite/0001_org.sql", "a"},
      {"src/modules/org/migrations/postgres/0001_org.sql", "pg"},
      {"src/platform/db/migrations/sqlite/0001_platform.sql", "p"},
  };
  auto m = db::select_migrations(files, db::Dialect::kSqlite, {"platform", "org"});
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0].component, "platform");
  EXPECT_EQ(m[1].name, "org");
  EXPECT_EQ(m[2].version, 2);
}

class AuditChain : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("kefu-audit-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    db_ = db::open("sqlite://" + (dir_ / "a.db").string());
    db_->write([](db::Session& s) {
      s.exec_script(
          "CREATE TABLE audit_log (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor_id INTEGER, "
          "actor TEXT NOT "
          "NULL, action TEXT NOT NULL, entity TEXT NOT NULL, entity_id TEXT NOT NULL, unit_path "
          "TEXT NOT NULL, "
          "before_json TEXT, after_json TEXT, request_id TEXT NOT NULL, prev_hash TEXT NOT NULL, "
          "hash TEXT NOT "
          "NULL);"
          "CREATE TABLE audit_head (id INTEGER PRIMARY KEY, last_id INTEGER NOT NULL, last_hash "
          "TEXT NOT NULL);"
          "INSERT INTO audit_head VALUES (1, 0, '');");
    });
    for (int i = 1; i <= 5; ++i) {
      db_->write([i](db::Session& s) {
        audit::append(s, 1000 + i,
                      {i, "admin", "org.unit.update", "org_unit", std::to_string(i), "/1/", "{}",
                       "{\"name\":\"店" + std::to_string(i) + "\"}", "rid"});
      });
    }
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
  std::unique_ptr<db::Database> db_;
};

TEST_F(AuditChain, IntactChainVerifies) {
  auto r = audit::verify(*db_);
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.checked, 5);
}

TEST_F(AuditChain, EditedRowIsFound) {
  db_->write([](db::Session& s) { s.exec("UPDATE audit_log SET after_json = '{}' WHERE id = 3"); });
  auto r = audit::verify(*db_);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.bad_id, 3);
}

TEST_F(AuditChain, DeletedMiddleRowIsFound) {
  db_->write([](db::Session& s) { s.exec("DELETE FROM audit_log WHERE id = 2"); });
  auto r = audit::verify(*db_);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.bad_id, 3);
}

TEST_F(AuditChain, TruncatedTailIsFound) {
  db_->write([](db::Session& s) { s.exec("DELETE FROM audit_log WHERE id = 5"); });
  EXPECT_FALSE(audit::verify(*db_).ok);
}

}  // namespace
}  // namespace kefu
