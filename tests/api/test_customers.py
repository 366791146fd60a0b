"""Customer archive: customers, phones, assets and asset types, history events, search, duplicates.

Scope and masking per role are in test_customers_scope.py. Outbox events raised by customer
events are not readable through the API and are not checked here.
"""

import unittest

from harness import PASSWORD, ServerTestCase, now_ms

CUSTOMERS = "/api/v1/customers"
BATCH = "/api/v1/customer-events/batch"
ASSET_TYPES = "/api/v1/asset-types"
PRESETS = {"vehicle", "property_unit", "phone_line", "securities_account", "shop_account"}
CUSTOMER_FIELDS = {"id", "code", "kind", "name", "gender", "birthday", "email", "address", "source", "unit_id",
                   "owner_id", "tags", "may_call", "may_text", "may_email", "quiet_start", "quiet_end", "notes", "phones",
                   "phones_masked", "completeness", "asset_count", "created_at", "updated_at"}
ASSET_FIELDS = {"id", "type", "label", "attrs", "created_at", "updated_at"}
EVENT_FIELDS = {"id", "customer_id", "kind", "occurred_at", "unit_id", "staff_id", "amount_fen", "asset_id", "attrs",
                "external_id"}
DAY = 24 * 3600 * 1000


def cpath(cid, rest=""):
    return "%s/%s%s" % (CUSTOMERS, cid, rest)


class CustomerCase(ServerTestCase):
    """Shared helpers: unique phone numbers, customers, snapshots of what a refusal must not change."""

    _phone_seq = 0

    @classmethod
    def mobile(cls):
        CustomerCase._phone_seq += 1
        return "1370%07d" % CustomerCase._phone_seq

    @classmethod
    def new_customer(cls, client=None, **fields):
        body = {"name": "客户" + cls.uniq("c"), "unit_id": cls.unit["id"]}
        body.update(fields)
        r = (client or cls.admin).post(CUSTOMERS, body)
        if r.status != 201:
            raise AssertionError("create customer %r: %r" % (body, r))
        return r.body

    @classmethod
    def new_asset(cls, cid, type_, attrs, client=None):
        r = (client or cls.admin).post(cpath(cid, "/assets"), {"type": type_, "attrs": attrs})
        if r.status != 201:
            raise AssertionError("create asset %r: %r" % (attrs, r))
        return r.body

    def snapshot(self, *cids):
        """Everything a refused request must leave alone."""
        a = self.admin
        return {"customers": a.list_all(CUSTOMERS),
                "audit": a.audit_count(),
                "details": [a.get(cpath(c)).body for c in cids],
                "events": [a.list_all(cpath(c, "/events")) for c in cids]}

    def assertUnchanged(self, before, msg=None):
        after = self.snapshot(*[d["id"] for d in before["details"]])
        self.assertEqual(len(after["customers"]), len(before["customers"]), msg)
        self.assertEqual(after["audit"], before["audit"], "%s: audit log grew after a refusal" % msg)
        self.assertEqual(after, before, msg)

    def assertFieldErrors(self, resp, expected, msg=None, exact=False):
        """expected: {field: code or None}; every one of them must be listed (in one 422)."""
        b = self.assertProblem(resp, 422, "validation.failed", msg=msg)
        got = {}
        for e in b.get("errors", []):
            got.setdefault(e["field"], []).append(e["code"])
        where = (msg + ": ") if msg else ""
        for field, code in expected.items():
            self.assertIn(field, got, "%sno error for %r in %r" % (where, field, resp))
            if code is not None:
                self.assertIn(code, got[field], "%serror code of %r: %r" % (where, field, resp))
        if exact:
            self.assertEqual(set(got), set(expected), "%sunexpected fields in %r" % (where, resp))
        return got


# ============================================================================ customers


class CustomerCrudTest(CustomerCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        a = cls.admin
        cls.region = a.create_unit(cls.head["id"], "cu-r", "华东区", "region")
        cls.unit = a.create_unit(cls.region["id"], "cu-a", "上海分公司", "branch")
        cls.store = a.create_unit(cls.unit["id"], "cu-s", "徐汇门店", "store")
        cls.owner = a.create_user("cuowner", cls.store["id"], ["agent"])

    def test_create_get(self):
        t0 = now_ms()
        body = {"name": "  张三  ", "unit_id": self.store["id"], "kind": "person", "gender": "male",
                "birthday": "1988-02-29", "email": "zhangsan@example.com", "address": "上海市徐汇区漕溪北路 1 号",
                "source": "hotline", "owner_id": self.owner["id"], "tags": ["vip", "老客户"], "may_call": True,
                "may_text": False, "may_email": True, "quiet_start": "22:00", "quiet_end": "08:00", "notes": "喜欢上午联系",
                "phones": [{"number": "+86 138-1234-5678", "label": "mobile"},
                           {"number": "(021) 6123-4567", "label": "home"}]}
        r = self.admin.post(CUSTOMERS, body)
        self.assertStatus(r, 201)
        c = r.body
        self.assertTrue(CUSTOMER_FIELDS | {"assets"} <= set(c), c)
        self.assertIsInstance(c["id"], int)
        self.assertEqual(c["code"], "C%08d" % c["id"])
        expect = dict(body, name="张三", unit_id=self.store["id"])
        for k in ("name", "kind", "gender", "birthday", "email", "address", "source", "owner_id", "tags", "may_call",
                  "may_text", "may_email", "quiet_start", "quiet_end", "notes", "unit_id"):
            self.assertEqual(c[k], expect[k], k)
        self.assertEqual(c["phones"], [{"number": "13812345678", "label": "mobile", "primary": True},
                                       {"number": "021-61234567", "label": "home", "primary": False}])
        self.assertIs(c["phones_masked"], False)
        self.assertEqual(c["completeness"], {"score": 80, "missing": ["assets"]})
        self.assertEqual((c["asset_count"], c["assets"]), (0, []))
        self.assertLessEqual(abs(c["created_at"] - t0), 60_000)
        self.assertEqual(c["created_at"], c["updated_at"])
        g = self.admin.get(cpath(c["id"]))
        self.assertStatus(g, 200)
        self.assertEqual(g.body, c)
        # lists show the same customer without its assets
        listed = [x for x in self.admin.list_all(CUSTOMERS) if x["id"] == c["id"]]
        self.assertEqual(len(listed), 1)
        self.assertNotIn("assets", listed[0])
        self.assertEqual(listed[0], {k: v for k, v in c.items() if k != "assets"})

    def test_defaults_and_minimal(self):
        r = self.admin.post(CUSTOMERS, {"name": "李四", "unit_id": self.unit["id"]})
        self.assertStatus(r, 201)
        c = r.body
        self.assertEqual((c["kind"], c["gender"], c["source"], c["owner_id"], c["tags"], c["phones"], c["may_call"],
                          c["may_text"], c["may_email"], c["birthday"], c["phones_masked"]),
                         ("person", "unknown", "other", None, [], [], True, True, True, "", False))
        self.assertEqual(c["completeness"], {"score": 0, "missing": ["phone", "address", "birthday", "assets",
                                                                      "owner"]})
        r = self.admin.post(CUSTOMERS, {"name": "某某有限公司", "unit_id": self.unit["id"], "kind": "organisation"})
        self.assertStatus(r, 201)
        self.assertNotIn("birthday", r.body["completeness"]["missing"], "organisations have no birthday")

    def test_phone_normalisation(self):
        cases = [("+86 138-1234-5601", "13812345601"), ("0086 13812345602", "13812345602"),
                 ("86 138 1234 5603", "13812345603"), ("138.1234.5604", "13812345604"),
                 ("(021) 6123-4501", "021-61234501"), ("010-88886666", "010-88886666"),
                 ("0571 8888 7777", "0571-88887777"), ("(0755)2345678", "0755-2345678")]
        for raw, want in cases:
            with self.subTest(raw=raw):
                r = self.admin.post(CUSTOMERS, {"name": "号码" + raw, "unit_id": self.unit["id"],
                                                "phones": [{"number": raw}]})
                self.assertStatus(r, 201)
                self.assertEqual(r.body["phones"], [{"number": want, "label": "", "primary": True}])

    def test_primary_phone(self):
        a, b = self.mobile(), self.mobile()
        r = self.admin.post(CUSTOMERS, {"name": "两个号码", "unit_id": self.unit["id"],
                                        "phones": [{"number": a}, {"number": b, "primary": True}]})
        self.assertStatus(r, 201)
        self.assertEqual([(p["number"], p["primary"]) for p in r.body["phones"] if p["primary"]], [(b, True)])
        g = self.admin.get(cpath(r.body["id"])).body
        self.assertEqual(sorted((p["number"], p["primary"]) for p in g["phones"]), sorted([(a, False), (b, True)]))
        with self.subTest("the created record reads back as it was answered"):
            self.assertEqual(g, r.body)
        before = self.snapshot(r.body["id"])
        r2 = self.admin.patch(cpath(r.body["id"]), {"phones": [{"number": a, "primary": True},
                                                               {"number": b, "primary": True}]})
        self.assertFieldErrors(r2, {"phones": "customer.one_primary"})
        r2 = self.admin.patch(cpath(r.body["id"]), {"phones": [{"number": a}, {"number": "+86 " + a}]})
        self.assertFieldErrors(r2, {"phones[1].number": "customer.phone_repeated"})
        self.assertUnchanged(before, "refused phone changes")

    def test_invalid_phones(self):
        before = self.snapshot()
        bad = ["12345", "abc13812345678", "138123456789", "23812345678", "021-0123456", "ext 123",
               "13812345678 ext 2", "+44 20 7946 0958", "1381234567x"]
        for raw in bad:
            with self.subTest(raw=raw):
                r = self.admin.post(CUSTOMERS, {"name": "坏号码", "unit_id": self.unit["id"],
                                                "phones": [{"number": self.mobile()}, {"number": raw}]})
                self.assertFieldErrors(r, {"phones[1].number": "customer.phone_invalid"}, exact=True)
        r = self.admin.post(CUSTOMERS, {"name": "坏号码", "unit_id": self.unit["id"],
                                        "phones": [{"number": "12"}, "13812345678", {"number": 13812345678},
                                                   {"number": self.mobile(), "ext": "1"}, {"label": "home"}]})
        self.assertFieldErrors(r, {"phones[0].number": "customer.phone_invalid", "phones[1]": "field.wrong_type",
                                   "phones[2].number": "field.wrong_type", "phones[3].ext": "field.unknown",
                                   "phones[4].number": "field.required"}, exact=True)
        self.assertUnchanged(before, "invalid phones")

    def test_invalid_phone_after_malformed_ones(self):
        """The index of an invalid number counts the malformed entries before it."""
        before = self.snapshot()
        r = self.admin.post(CUSTOMERS, {"name": "坏号码", "unit_id": self.unit["id"],
                                        "phones": ["13812345678", {"number": 5}, {"number": "12"}]})
        self.assertFieldErrors(r, {"phones[0]": "field.wrong_type", "phones[1].number": "field.wrong_type",
                                   "phones[2].number": "customer.phone_invalid"}, exact=True)
        self.assertUnchanged(before, "invalid phones")

    def test_phone_taken(self):
        n = self.mobile()
        first = self.new_customer(phones=[{"number": n}])
        before = self.snapshot(first["id"])
        spaced = "+86 %s-%s-%s" % (n[:3], n[3:7], n[7:])
        r = self.admin.post(CUSTOMERS, {"name": "重复号码", "unit_id": self.unit["id"], "phones": [{"number": spaced}]})
        b = self.assertProblem(r, 409, "customer.phone_taken")
        self.assertEqual(str(b.get("existing_id")), str(first["id"]), "existing_id of a customer in scope")
        other = self.new_customer(phones=[{"number": self.mobile()}])
        before = self.snapshot(first["id"], other["id"])
        r = self.admin.patch(cpath(other["id"]), {"phones": [{"number": n}]})
        self.assertProblem(r, 409, "customer.phone_taken")
        self.assertUnchanged(before, "phone taken")
        # keeping one's own number is no conflict
        r = self.admin.patch(cpath(first["id"]), {"phones": [{"number": spaced, "label": "work"}]})
        self.assertStatus(r, 200)
        self.assertEqual(r.body["phones"], [{"number": n, "label": "work", "primary": True}])

    def test_every_bad_field_in_one_answer(self):
        before = self.snapshot()
        r = self.admin.post(CUSTOMERS, {
            "name": "", "unit_id": "x", "kind": "alien", "gender": "robot", "source": "tv", "birthday": "2025-02-30",
            "email": "not-an-email", "quiet_start": "25:00", "quiet_end": "07:61", "tags": ["ok", ""], "may_call": "yes",
            "owner_id": "me", "notes": "x" * 2001, "phones": [{"number": "12"}], "bogus": 1})
        self.assertFieldErrors(r, {"name": "field.required", "unit_id": "field.wrong_type", "kind": "field.invalid",
                                   "gender": "field.invalid", "source": "field.invalid",
                                   "birthday": "customer.date_invalid", "email": "org.email_invalid",
                                   "quiet_start": "customer.time_invalid", "quiet_end": "customer.time_invalid",
                                   "tags[1]": None, "may_call": "field.wrong_type", "owner_id": "field.wrong_type",
                                   "notes": "field.too_long", "phones[0].number": "customer.phone_invalid",
                                   "bogus": "field.unknown"})
        r = self.admin.post(CUSTOMERS, {})
        self.assertFieldErrors(r, {"name": "field.required", "unit_id": "field.required"}, exact=True)
        r = self.admin.post(CUSTOMERS, {"name": "单边免打扰", "unit_id": self.unit["id"], "quiet_start": "22:00"})
        self.assertFieldErrors(r, {"quiet_end": "customer.quiet_pair"})
        self.assertUnchanged(before, "bad fields")

    def test_birthday(self):
        before = self.snapshot()
        for bad in ("2025-02-30", "2023-02-29", "1990-13-01", "1990-1-1", "19900101", "1899-12-31", "明天"):
            with self.subTest(birthday=bad):
                r = self.admin.post(CUSTOMERS, {"name": "生日", "unit_id": self.unit["id"], "birthday": bad})
                self.assertFieldErrors(r, {"birthday": None}, exact=True)
        self.assertFieldErrors(self.admin.post(CUSTOMERS, {"name": "生日", "unit_id": self.unit["id"],
                                                           "birthday": "2025-02-30"}),
                               {"birthday": "customer.date_invalid"})
        self.assertUnchanged(before, "bad birthdays")
        c = self.new_customer(birthday="2024-02-29")
        self.assertEqual(c["birthday"], "2024-02-29")
        before = self.snapshot(c["id"])
        self.assertFieldErrors(self.admin.patch(cpath(c["id"]), {"birthday": "2025-02-30"}),
                               {"birthday": "customer.date_invalid"})
        self.assertUnchanged(before, "bad birthday on patch")

    def test_unknown_fields_and_wrong_types(self):
        c = self.new_customer()
        before = self.snapshot(c["id"])
        cases = [({"nickname": "小张"}, {"nickname": "field.unknown"}),
                 ({"id": 5}, {"id": "field.unknown"}),
                 ({"code": "C1"}, {"code": "field.unknown"}),
                 ({"name": 5}, {"name": "field.wrong_type"}),
                 ({"tags": "vip"}, {"tags": "field.wrong_type"}),
                 ({"tags": [1]}, {"tags[0]": "field.wrong_type"}),
                 ({"phones": "13812345678"}, {"phones": "field.wrong_type"}),
                 ({"phones": {"number": "13812345678"}}, {"phones": "field.wrong_type"}),
                 ({"may_text": 1}, {"may_text": "field.wrong_type"}),
                 ({"may_email": "yes"}, {"may_email": "field.wrong_type"}),
                 ({"unit_id": 1.5}, {"unit_id": "field.wrong_type"}),
                 ({"unit_id": "1"}, {"unit_id": "field.wrong_type"}),
                 ({"owner_id": True}, {"owner_id": "field.wrong_type"}),
                 ({"birthday": 19900101}, {"birthday": "field.wrong_type"})]
        for body, errors in cases:
            with self.subTest(body=body):
                self.assertFieldErrors(self.admin.patch(cpath(c["id"]), body), errors, exact=True)
                self.assertFieldErrors(self.admin.post(CUSTOMERS, dict({"name": "新", "unit_id": self.unit["id"]},
                                                                       **body)), errors, exact=True)
        self.assertUnchanged(before, "unknown fields / wrong types")

    def test_null_for_non_nullable(self):
        c = self.new_customer(phones=[{"number": self.mobile()}], tags=["a"], notes="备注")
        before = self.snapshot(c["id"])
        for field in ("name", "kind", "gender", "birthday", "email", "address", "source", "unit_id", "tags", "may_call",
                      "may_text", "quiet_start", "quiet_end", "notes", "phones"):
            with self.subTest(field=field):
                self.assertFieldErrors(self.admin.patch(cpath(c["id"]), {field: None}),
                                       {field: "field.not_nullable"}, exact=True)
        self.assertFieldErrors(self.admin.post(CUSTOMERS, {"name": None, "unit_id": self.unit["id"]}),
                               {"name": None})
        self.assertUnchanged(before, "nulls")
        # owner_id is nullable: null clears it
        r = self.admin.patch(cpath(c["id"]), {"owner_id": self.owner["id"]})
        self.assertStatus(r, 200)
        self.assertEqual(r.body["owner_id"], self.owner["id"])
        r = self.admin.patch(cpath(c["id"]), {"owner_id": None})
        self.assertStatus(r, 200)
        self.assertIsNone(r.body["owner_id"])
        self.assertIn("owner", r.body["completeness"]["missing"])

    def test_patch(self):
        c = self.new_customer(phones=[{"number": self.mobile()}], address="旧地址")
        audit0 = self.admin.audit_count()
        new_phone = self.mobile()
        r = self.admin.patch(cpath(c["id"]), {"name": "王五", "address": "新地址 88 号", "tags": ["投诉"],
                                              "phones": [{"number": new_phone, "label": "work"}],
                                              "unit_id": self.store["id"], "quiet_start": "21:30",
                                              "quiet_end": "09:00", "may_call": False})
        self.assertStatus(r, 200)
        p = r.body
        self.assertEqual((p["name"], p["address"], p["tags"], p["unit_id"], p["quiet_start"], p["quiet_end"],
                          p["may_call"]), ("王五", "新地址 88 号", ["投诉"], self.store["id"], "21:30", "09:00", False))
        self.assertEqual(p["phones"], [{"number": new_phone, "label": "work", "primary": True}])
        self.assertEqual((p["id"], p["code"], p["created_at"]), (c["id"], c["code"], c["created_at"]))
        self.assertGreaterEqual(p["updated_at"], c["updated_at"])
        self.assertEqual(self.admin.get(cpath(c["id"])).body, p)
        self.assertEqual(self.admin.audit_count(), audit0 + 1, "one audit record per change")
        # the old number is free again
        self.new_customer(phones=[{"number": c["phones"][0]["number"]}])
        # a patch that changes nothing records nothing
        audit1 = self.admin.audit_count()
        r = self.admin.patch(cpath(c["id"]), {"name": "王五", "tags": ["投诉"]})
        self.assertStatus(r, 200)
        self.assertEqual(r.body, p)
        self.assertEqual(self.admin.audit_count(), audit1)
        # empty name refused, unknown unit and owner refused
        before = self.snapshot(c["id"])
        self.assertFieldErrors(self.admin.patch(cpath(c["id"]), {"name": ""}), {"name": "field.required"})
        self.assertFieldErrors(self.admin.patch(cpath(c["id"]), {"unit_id": 987654}), {"unit_id": "org.unit_unknown"})
        self.assertFieldErrors(self.admin.patch(cpath(c["id"]), {"owner_id": 987654}),
                               {"owner_id": "customer.owner_unknown"})
        self.assertUnchanged(before, "refused patches")

    def test_owner_rules(self):
        before = self.snapshot()
        self.assertFieldErrors(self.admin.post(CUSTOMERS, {"name": "负责人", "unit_id": self.unit["id"],
                                                           "owner_id": 987654}),
                               {"owner_id": "customer.owner_unknown"})
        self.assertUnchanged(before, "unknown owner")
        gone = self.admin.create_user("cugone", self.store["id"], ["agent"])
        self.assertStatus(self.admin.patch("/api/v1/users/%d" % gone["id"], {"active": False}), 200)
        before = self.snapshot()
        self.assertFieldErrors(self.admin.post(CUSTOMERS, {"name": "负责人", "unit_id": self.unit["id"],
                                                           "owner_id": gone["id"]}),
                               {"owner_id": "customer.owner_inactive"})
        self.assertUnchanged(before, "inactive owner")

    def test_not_found(self):
        for path in (cpath(987654), cpath("abc"), cpath(0), cpath(-1)):
            with self.subTest(path=path):
                self.assertProblem(self.admin.get(path), 404, "not_found")
        self.assertProblem(self.admin.patch(cpath(987654), {"name": "x"}), 404, "not_found")
        self.assertProblem(self.admin.get(cpath(987654, "/events")), 404, "not_found")
        self.assertProblem(self.admin.post(cpath(987654, "/assets"), {"type": "vehicle", "attrs": {"plate": "沪A1"}}),
                           404, "not_found")

    def test_unauthenticated(self):
        anon = self.server.client()
        for method, path in (("GET", CUSTOMERS), ("POST", CUSTOMERS), ("GET", ASSET_TYPES), ("POST", BATCH),
                             ("GET", CUSTOMERS + "/duplicates")):
            with self.subTest(method=method, path=path):
                r = anon.request(method, path, json={}) if method == "POST" else anon.request(method, path)
                self.assertProblem(r, 401)

    def test_list_newest_first_paging(self):
        u = self.admin.create_unit(self.unit["id"], "cu-page", "分页门店", "store")
        made = [self.new_customer(unit_id=u["id"], name="分页%d" % i)["id"] for i in range(7)]
        seen, after, pages = [], None, 0
        while True:
            q = {"unit_id": u["id"], "limit": 3}
            if after:
                q["after"] = after
            r = self.admin.get(CUSTOMERS, query=q)
            self.assertStatus(r, 200)
            self.assertLessEqual(len(r.body["items"]), 3)
            seen.extend(x["id"] for x in r.body["items"])
            pages += 1
            after = r.body["next"]
            if after is None:
                break
            self.assertIsInstance(after, str)
            self.assertLess(pages, 10)
        self.assertEqual(seen, sorted(made, reverse=True), "newest first, no gaps, no repeats")
        self.assertEqual(pages, 3)
        # filters
        self.new_customer(unit_id=u["id"], name="来源过滤", source="web", kind="organisation", tags=["大客户"],
                          owner_id=self.owner["id"])
        ids = lambda q: [x["id"] for x in self.admin.list_all(CUSTOMERS, query=dict(q, unit_id=u["id"]))]
        self.assertEqual(len(ids({"source": "web"})), 1)
        self.assertEqual(ids({"source": "web"}), ids({"kind": "organisation"}))
        self.assertEqual(ids({"source": "web"}), ids({"tag": "大客户"}))
        self.assertEqual(ids({"source": "web"}), ids({"owner_id": self.owner["id"]}))
        self.assertEqual(ids({"tag": "大"}), [], "tags match whole")
        self.assertProblem(self.admin.get(CUSTOMERS, query={"kind": "alien"}), 422)
        self.assertProblem(self.admin.get(CUSTOMERS, query={"source": "tv"}), 422)
        self.assertProblem(self.admin.get(CUSTOMERS, query={"limit": 0}), 400)
        self.assertProblem(self.admin.get(CUSTOMERS, query={"limit": 201}), 400)
        self.assertProblem(self.admin.get(CUSTOMERS, query={"after": "x"}), 400)
        self.assertProblem(self.admin.get(CUSTOMERS, query={"incomplete": "maybe"}), 400)
        self.assertEqual(self.admin.get(CUSTOMERS, query={"unit_id": 987654}).body["items"], [])


# ============================================================================ assets and asset types


class CustomerAssetTest(CustomerCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        a = cls.admin
        cls.unit = a.create_unit(cls.head["id"], "as-a", "资产分公司", "branch")
        cls.mgr = a.create_user("asmgr", cls.unit["id"], ["manager"])
        cls.mgr_c = cls.server.login("asmgr", PASSWORD)
        cls.agent = a.create_user("asagent", cls.unit["id"], ["agent"])
        cls.agent_c = cls.server.login("asagent", PASSWORD)

    def test_presets_listed(self):
        for c in (self.admin, self.agent_c, self.mgr_c):
            r = c.get(ASSET_TYPES)
            self.assertStatus(r, 200)
            types = {t["code"]: t for t in r.body["items"]}
            self.assertTrue(PRESETS <= set(types), sorted(types))
        v = types["vehicle"]
        self.assertEqual((v["name_zh"], v["name_en"], v["active"]), ("车辆", "Vehicle", True))
        fields = {f["key"]: f for f in v["fields"]}
        self.assertEqual(list(fields), ["plate", "vin", "model", "delivery_date", "mileage_km", "insurance_expiry"])
        self.assertEqual((fields["plate"]["type"], fields["plate"]["required"]), ("text", True))
        self.assertEqual((fields["mileage_km"]["type"], fields["mileage_km"]["required"]), ("integer", False))
        for f in v["fields"]:
            self.assertEqual(set(f), {"key", "label_zh", "label_en", "type", "required", "options"})
        sec = {f["key"]: f for f in types["securities_account"]["fields"]}
        self.assertEqual(sec["risk_preference"]["options"], ["conservative", "steady", "aggressive"])

    def test_vehicle_refusals(self):
        c = self.new_customer()
        before = self.snapshot(c["id"])
        path = cpath(c["id"], "/assets")
        cases = [
            ({"type": "vehicle", "attrs": {"model": "帕萨特"}}, {"attrs.plate": "field.required"}),
            ({"type": "vehicle", "attrs": {"plate": ""}}, {"attrs.plate": "field.required"}),
            ({"type": "vehicle", "attrs": {"plate": "沪A12345", "xyz": "1"}}, {"attrs.xyz": "field.unknown"}),
            ({"type": "vehicle", "attrs": {"plate": "沪A12345", "mileage_km": "12000"}},
             {"attrs.mileage_km": "field.wrong_type"}),
            ({"type": "vehicle", "attrs": {"plate": "沪A12345", "mileage_km": -5}},
             {"attrs.mileage_km": "field.wrong_type"}),
            ({"type": "vehicle", "attrs": {"plate": 12345}}, {"attrs.plate": "field.wrong_type"}),
            ({"type": "vehicle", "attrs": {"plate": "沪A12345", "delivery_date": "2024-13-01"}},
             {"attrs.delivery_date": "field.invalid"}),
            ({"type": "vehicle", "attrs": {"vin": "LSV", "xyz": 1, "mileage_km": "x"}},
             {"attrs.plate": "field.required", "attrs.xyz": "field.unknown", "attrs.mileage_km": "field.wrong_type"}),
            ({"type": "spaceship", "attrs": {"plate": "x"}}, {"type": "customer.asset_type_unknown"}),
            ({"type": "vehicle"}, {"attrs": "field.required"}),
            ({"type": "vehicle", "attrs": ["plate"]}, {"attrs": "field.wrong_type"}),
            ({"type": "vehicle", "attrs": {"plate": "沪A1"}, "owner": 1}, {"owner": "field.unknown"}),
            ({"attrs": {"plate": "沪A1"}}, {"type": "field.required"}),
            ({"type": "phone_line", "attrs": {"number": "12345"}}, {"attrs.number": "field.invalid"}),
            ({"type": "securities_account", "attrs": {"account_no": "1", "risk_preference": "yolo"}},
             {"attrs.risk_preference": "field.invalid"}),
            ({"type": "property_unit", "attrs": {"unit": "2"}},
             {"attrs.building": "field.required", "attrs.room": "field.required"}),
        ]
        for body, errors in cases:
            with self.subTest(body=body):
                self.assertFieldErrors(self.admin.post(path, body), errors, exact=True)
        self.assertUnchanged(before, "refused assets")

    def test_add_and_patch(self):
        c = self.new_customer(phones=[{"number": self.mobile()}], address="上海", birthday="1990-01-01",
                              owner_id=self.agent["id"])
        self.assertEqual(c["completeness"], {"score": 80, "missing": ["assets"]})
        t0 = now_ms()
        attrs = {"plate": "沪A12345", "vin": "LSVAB4189E2123456", "model": "大众帕萨特", "mileage_km": 12000,
                 "delivery_date": "2023-05-01"}
        r = self.admin.post(cpath(c["id"], "/assets"), {"type": "vehicle", "attrs": attrs})
        self.assertStatus(r, 201)
        a = r.body
        self.assertEqual(set(a), ASSET_FIELDS)
        self.assertEqual((a["type"], a["attrs"]), ("vehicle", attrs))
        self.assertEqual(a["label"], "沪A12345 LSVAB4189E2123456 大众帕萨特")
        self.assertLessEqual(abs(a["created_at"] - t0), 60_000)
        g = self.admin.get(cpath(c["id"])).body
        self.assertEqual(g["assets"], [a])
        self.assertEqual(g["asset_count"], 1)
        self.assertEqual(g["completeness"], {"score": 100, "missing": []})
        # patch: attrs replaced whole, label recomputed
        before_patch = self.admin.audit_count()
        r = self.admin.patch(cpath(c["id"], "/assets/%d" % a["id"]), {"attrs": {"plate": "沪B54321", "model": "途观"}})
        self.assertStatus(r, 200)
        p = r.body
        self.assertEqual((p["id"], p["type"], p["attrs"], p["label"], p["created_at"]),
                         (a["id"], "vehicle", {"plate": "沪B54321", "model": "途观"}, "沪B54321 途观", a["created_at"]))
        self.assertGreaterEqual(p["updated_at"], a["updated_at"])
        self.assertEqual(self.admin.get(cpath(c["id"])).body["assets"], [p])
        self.assertEqual(self.admin.audit_count(), before_patch + 1)
        # refused patches change nothing
        other = self.new_customer()
        before = self.snapshot(c["id"], other["id"])
        apath = cpath(c["id"], "/assets/%d" % a["id"])
        self.assertFieldErrors(self.admin.patch(apath, {"attrs": {"model": "途观"}}), {"attrs.plate": "field.required"})
        self.assertFieldErrors(self.admin.patch(apath, {"attrs": {"plate": "沪B1", "mileage_km": "1"}}),
                               {"attrs.mileage_km": "field.wrong_type"})
        self.assertFieldErrors(self.admin.patch(apath, {"attrs": {"plate": "沪B1"}, "type": "phone_line"}),
                               {"type": "field.unknown"})
        self.assertFieldErrors(self.admin.patch(apath, {}), {"attrs": "field.required"})
        self.assertProblem(self.admin.patch(cpath(other["id"], "/assets/%d" % a["id"]), {"attrs": {"plate": "沪C1"}}),
                           404, msg="another customer's asset")
        self.assertProblem(self.admin.patch(cpath(c["id"], "/assets/987654"), {"attrs": {"plate": "沪C1"}}), 404)
        self.assertUnchanged(before, "refused asset patches")
        # labels of other presets; label falls back to the type's name
        r = self.admin.post(cpath(c["id"], "/assets"), {"type": "property_unit",
                                                        "attrs": {"building": "3栋", "unit": "2单元", "room": "1201"}})
        self.assertStatus(r, 201)
        self.assertEqual(r.body["label"], "3栋 2单元 1201")
        r = self.admin.post(cpath(c["id"], "/assets"), {"type": "phone_line",
                                                        "attrs": {"number": "13912345678", "arpu_fen": 5800}})
        self.assertStatus(r, 201)
        self.assertEqual(r.body["label"], "13912345678")
        self.assertEqual(self.admin.get(cpath(c["id"])).body["asset_count"], 3)

    def test_completeness_and_incomplete_filter(self):
        u = self.admin.create_unit(self.unit["id"], "as-inc", "完整度门店", "store")
        c = self.new_customer(unit_id=u["id"], phones=[{"number": self.mobile()}], address="北京",
                              birthday="1991-03-04", owner_id=self.agent["id"])
        bare = self.new_customer(unit_id=u["id"])
        self.assertEqual(c["completeness"], {"score": 80, "missing": ["assets"]})
        incomplete = lambda: {x["id"] for x in self.admin.list_all(CUSTOMERS, query={"unit_id": u["id"],
                                                                                      "incomplete": "true"})}
        self.assertEqual(incomplete(), {c["id"], bare["id"]})
        self.new_asset(c["id"], "vehicle", {"plate": "京A00001"})
        g = self.admin.get(cpath(c["id"])).body
        self.assertEqual(g["completeness"], {"score": 100, "missing": []})
        self.assertEqual(incomplete(), {bare["id"]}, "a complete customer leaves the incomplete list")
        listed = {x["id"]: x for x in self.admin.list_all(CUSTOMERS, query={"unit_id": u["id"]})}
        self.assertEqual(listed[c["id"]]["completeness"]["score"], 100)
        self.assertEqual(listed[c["id"]]["asset_count"], 1)
        all_ids = {x["id"] for x in self.admin.list_all(CUSTOMERS, query={"unit_id": u["id"], "incomplete": "false"})}
        self.assertEqual(all_ids, {c["id"], bare["id"]})
        # clearing the owner makes it incomplete again
        self.assertStatus(self.admin.patch(cpath(c["id"]), {"owner_id": None}), 200)
        self.assertEqual(incomplete(), {c["id"], bare["id"]})
        self.assertEqual(self.admin.get(cpath(c["id"])).body["completeness"], {"score": 90, "missing": ["owner"]})

    def test_custom_asset_type(self):
        body = {"name_zh": "船舶", "name_en": "Boat",
                "fields": [{"key": "hull_no", "label_zh": "船号", "label_en": "Hull number", "type": "text",
                            "required": True},
                           {"key": "length_m", "label_zh": "长度", "type": "integer"},
                           {"key": "grade", "label_zh": "等级", "type": "enum", "options": ["A", "B"]},
                           {"key": "built", "label_zh": "建造日期", "type": "date"}]}
        audit0 = self.admin.audit_count()
        r = self.admin.put(ASSET_TYPES + "/boat", body)
        self.assertStatus(r, 200)
        t = r.body
        self.assertEqual((t["code"], t["name_zh"], t["name_en"], t["active"]), ("boat", "船舶", "Boat", True))
        self.assertEqual([f["key"] for f in t["fields"]], ["hull_no", "length_m", "grade", "built"])
        self.assertEqual(t["fields"][1], {"key": "length_m", "label_zh": "长度", "label_en": "", "type": "integer",
                                          "required": False, "options": []})
        self.assertEqual(self.admin.audit_count(), audit0 + 1)
        listed = {x["code"]: x for x in self.agent_c.get(ASSET_TYPES).body["items"]}
        self.assertEqual(listed["boat"], t)
        c = self.new_customer()
        a = self.new_asset(c["id"], "boat", {"hull_no": "HULL-1", "length_m": 12, "grade": "A"})
        self.assertEqual(a["label"], "HULL-1")
        self.assertFieldErrors(self.admin.post(cpath(c["id"], "/assets"),
                                               {"type": "boat", "attrs": {"hull_no": "H2", "grade": "C",
                                                                          "length_m": "12", "built": "2020-02-30"}}),
                               {"attrs.grade": "field.invalid", "attrs.length_m": "field.wrong_type",
                                "attrs.built": "field.invalid"}, exact=True)
        # agents may use it, not define it
        self.new_asset(c["id"], "boat", {"hull_no": "HULL-2"}, client=self.agent_c)
        # replace: a new required field; deactivate: no new assets
        body2 = dict(body, active=False)
        r = self.admin.put(ASSET_TYPES + "/boat", body2)
        self.assertStatus(r, 200)
        self.assertIs(r.body["active"], False)
        self.assertFieldErrors(self.admin.post(cpath(c["id"], "/assets"), {"type": "boat", "attrs": {"hull_no": "H3"}}),
                               {"type": "customer.asset_type_unknown"})
        self.assertIn("boat", {x["code"] for x in self.admin.get(ASSET_TYPES).body["items"]})

    def test_asset_type_refusals(self):
        before_types = self.admin.get(ASSET_TYPES).body
        audit0 = self.admin.audit_count()
        good = {"name_zh": "会员卡", "name_en": "Card", "fields": [{"key": "no", "label_zh": "卡号", "type": "text"}]}
        for who, c in (("manager", self.mgr_c), ("agent", self.agent_c)):
            with self.subTest(who=who):
                self.assertProblem(c.put(ASSET_TYPES + "/card", good), 403, "auth.forbidden")
                self.assertProblem(c.put(ASSET_TYPES + "/vehicle", good), 403, "auth.forbidden")
        cases = [
            ({"name_zh": "卡", "name_en": "Card", "fields": [
                {"key": "bad key", "label_zh": "甲", "type": "text"},
                {"key": "ok", "label_zh": "乙", "type": "blob"},
                {"key": "ok", "label_zh": "丙", "type": "enum"}]},
             {"fields[0].key": "org.code_invalid", "fields[1].type": "field.invalid",
              "fields[2].key": "customer.key_repeated", "fields[2].options": "customer.options_empty"}),
            ({"name_zh": "卡", "name_en": "Card", "fields": [
                {"key": "a", "type": "text"}, {"label_zh": "乙", "type": "text"}, {"key": "c", "label_zh": "丙"},
                {"key": "d", "label_zh": "丁", "type": "text", "unique": True}, "x",
                {"key": "e", "label_zh": "戊", "type": "enum", "options": "A,B"}]},
             {"fields[0].label_zh": "field.required", "fields[1].key": "field.required",
              "fields[2].type": "field.required", "fields[3].unique": "field.unknown", "fields[4]": "field.wrong_type",
              "fields[5].options": "field.wrong_type"}),
            ({"name_zh": "卡", "name_en": "Card", "fields": []}, {"fields": "customer.fields_empty"}),
            ({"name_zh": "卡", "name_en": "Card"}, {"fields": "field.required"}),
            ({"name_zh": "卡", "name_en": "Card", "fields": {"key": "a"}}, {"fields": "field.wrong_type"}),
            ({"fields": [{"key": "a", "label_zh": "甲", "type": "text"}], "code": "card"},
             {"name_zh": "field.required", "name_en": "field.required", "code": "field.unknown"}),
        ]
        for body, errors in cases:
            with self.subTest(body=body):
                self.assertFieldErrors(self.admin.put(ASSET_TYPES + "/card", body), errors, exact=True)
        self.assertFieldErrors(self.admin.put(ASSET_TYPES + "/bad.code", good), {"code": "org.code_invalid"})
        self.assertEqual(self.admin.get(ASSET_TYPES).body, before_types)
        self.assertEqual(self.admin.audit_count(), audit0)

    def test_duplicates_by_plate_and_vin(self):
        u = self.admin.create_unit(self.unit["id"], "as-dup", "查重门店", "store")
        c1 = self.new_customer(unit_id=u["id"])
        c2 = self.new_customer(unit_id=u["id"])
        c3 = self.new_customer(unit_id=u["id"])
        self.new_asset(c1["id"], "vehicle", {"plate": "沪C88888", "vin": "LFV2A21K0D4000001"})
        self.new_asset(c2["id"], "vehicle", {"plate": "沪c 88888"})
        self.new_asset(c3["id"], "vehicle", {"plate": "沪D11111", "vin": "lfv2a21k0d4000001"})
        self.new_asset(c3["id"], "vehicle", {"plate": "沪D11111"})  # twice for one customer: not a duplicate
        r = self.admin.get(CUSTOMERS + "/duplicates")
        self.assertStatus(r, 200)
        self.assertIsNone(r.body["next"])
        groups = [g for g in r.body["items"] if set(g["customer_ids"]) & {c1["id"], c2["id"], c3["id"]}]
        for g in r.body["items"]:
            self.assertEqual(set(g), {"reason", "value", "customer_ids"})
            self.assertGreaterEqual(len(g["customer_ids"]), 2)
        plate = [g for g in groups if g["reason"] == "plate"]
        self.assertEqual(plate, [{"reason": "plate", "value": "沪C88888", "customer_ids": sorted([c1["id"], c2["id"]])}])
        vin = [g for g in groups if g["reason"] == "vin"]
        self.assertEqual(vin, [{"reason": "vin", "value": "LFV2A21K0D4000001",
                                "customer_ids": sorted([c1["id"], c3["id"]])}])
        # agents read duplicates too
        self.assertStatus(self.agent_c.get(CUSTOMERS + "/duplicates"), 200)


# ============================================================================ history events


class CustomerEventTest(CustomerCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        a = cls.admin
        cls.unit = a.create_unit(cls.head["id"], "ev-a", "事件分公司", "branch")
        cls.store = a.create_unit(cls.unit["id"], "ev-s", "事件门店", "store")
        cls.staff = a.create_user("evstaff", cls.store["id"], ["agent"])
        cls.c1 = cls.new_customer(name="事件客户一")
        cls.c2 = cls.new_customer(name="事件客户二")
        cls.car1 = cls.new_asset(cls.c1["id"], "vehicle", {"plate": "苏E12345"})
        cls.car2 = cls.new_asset(cls.c2["id"], "vehicle", {"plate": "苏E54321"})

    def test_single_event(self):
        t = now_ms() - 3600_000
        body = {"kind": "purchase", "occurred_at": t, "amount_fen": 19990000, "asset_id": self.car1["id"],
                "unit_id": self.store["id"], "staff_id": self.staff["id"], "external_id": self.uniq("dms-"),
                "attrs": {"order_no": "SO-1", "items": 2}}
        r = self.admin.post(cpath(self.c1["id"], "/events"), body)
        self.assertStatus(r, 201)
        e = r.body
        self.assertEqual(set(e), EVENT_FIELDS)
        self.assertIsInstance(e["id"], int)
        self.assertEqual({k: e[k] for k in body}, body)
        self.assertEqual(e["customer_id"], self.c1["id"])
        # defaults: the customer's unit, no staff, no asset, no amount
        r = self.admin.post(cpath(self.c1["id"], "/events"), {"kind": "call", "occurred_at": now_ms()})
        self.assertStatus(r, 201)
        e2 = r.body
        self.assertEqual((e2["unit_id"], e2["staff_id"], e2["asset_id"], e2["amount_fen"], e2["external_id"],
                          e2["attrs"]), (self.unit["id"], None, None, 0, None, {}))
        # customer_id in the body must agree with the path
        r = self.admin.post(cpath(self.c1["id"], "/events"), {"kind": "call", "occurred_at": now_ms(),
                                                              "customer_id": self.c1["id"]})
        self.assertStatus(r, 201)
        evs = self.admin.list_all(cpath(self.c1["id"], "/events"))
        self.assertEqual([x["id"] for x in evs[:3]], [r.body["id"], e2["id"], e["id"]], "newest first")
        self.assertEqual(evs[2], e)

    def test_single_refusals(self):
        before = self.snapshot(self.c1["id"], self.c2["id"])
        path = cpath(self.c1["id"], "/events")
        now = now_ms()
        cases = [
            ({"kind": "purchase", "occurred_at": now, "asset_id": self.car2["id"]},
             {"asset_id": "customer.asset_not_owned"}),
            ({"kind": "purchase", "occurred_at": now, "asset_id": 987654}, {"asset_id": "customer.asset_not_owned"}),
            ({"kind": "purchase", "occurred_at": now + 2 * DAY}, {"occurred_at": "customer.time_out_of_range"}),
            ({"kind": "purchase", "occurred_at": 0}, {"occurred_at": "customer.time_out_of_range"}),
            ({"kind": "purchase", "occurred_at": -5}, {"occurred_at": "customer.time_out_of_range"}),
            ({"kind": "teleport", "occurred_at": now}, {"kind": "field.invalid"}),
            ({"kind": "purchase", "occurred_at": now, "amount_fen": -1}, {"amount_fen": "field.out_of_range"}),
            ({"kind": "purchase", "occurred_at": now, "unit_id": 987654}, {"unit_id": "org.unit_unknown"}),
            ({"kind": "purchase", "occurred_at": now, "customer_id": self.c2["id"]}, {"customer_id": "field.invalid"}),
            ({"occurred_at": now}, {"kind": "field.required"}),
            ({"kind": "purchase"}, {"occurred_at": "field.required"}),
            ({"kind": "purchase", "occurred_at": "2024-01-01"}, {"occurred_at": "field.wrong_type"}),
            ({"kind": "purchase", "occurred_at": now, "attrs": "x"}, {"attrs": "field.wrong_type"}),
            ({"kind": "purchase", "occurred_at": now, "staff_id": None}, {"staff_id": "field.not_nullable"}),
            ({"kind": "purchase", "occurred_at": now, "note": "x"}, {"note": "field.unknown"}),
            ({"kind": "purchase", "occurred_at": now, "external_id": ""}, {"external_id": None}),
        ]
        for body, errors in cases:
            with self.subTest(body=body):
                self.assertFieldErrors(self.admin.post(path, body), errors, exact=True)
        self.assertUnchanged(before, "refused events")

    def test_idempotent_external_id(self):
        ext = self.uniq("pos-")
        body = {"kind": "order", "occurred_at": now_ms(), "external_id": ext, "amount_fen": 500}
        r = self.admin.post(cpath(self.c1["id"], "/events"), body)
        self.assertStatus(r, 201)
        before = self.snapshot(self.c1["id"])
        r = self.admin.post(cpath(self.c1["id"], "/events"), body)
        self.assertProblem(r, 409, "customer.event_recorded")
        r = self.admin.post(BATCH, {"events": [dict(body, customer_id=self.c1["id"])]})
        self.assertStatus(r, 201)
        self.assertEqual(r.body, {"created": [None], "skipped": 1})
        self.assertUnchanged(before, "a repeated external id")

    def test_batch(self):
        ext = [self.uniq("erp-") for _ in range(3)]
        now = now_ms()
        events = [
            {"customer_id": self.c1["id"], "kind": "repair", "occurred_at": now - 5000, "asset_id": self.car1["id"],
             "external_id": ext[0], "amount_fen": 88000, "attrs": {"ro": "RO-1"}},
            {"customer_code": self.c2["code"], "kind": "delivery", "occurred_at": now - 4000,
             "asset_id": self.car2["id"], "external_id": ext[1]},
            {"customer_id": self.c2["id"], "kind": "visit_without_purchase", "occurred_at": now - 3000,
             "external_id": ext[2]},
            {"customer_id": self.c1["id"], "kind": "contact", "occurred_at": now - 2000},
        ]
        audit0 = self.admin.audit_count()
        r = self.admin.post(BATCH, {"events": events})
        self.assertStatus(r, 201)
        self.assertEqual(set(r.body), {"created", "skipped"})
        ids = r.body["created"]
        self.assertEqual(r.body["skipped"], 0)
        self.assertEqual(len(ids), 4)
        self.assertTrue(all(isinstance(i, int) for i in ids), ids)
        self.assertEqual(len(set(ids)), 4)
        self.assertEqual(self.admin.audit_count(), audit0 + 4)
        ev1 = {e["id"]: e for e in self.admin.list_all(cpath(self.c1["id"], "/events"))}
        ev2 = {e["id"]: e for e in self.admin.list_all(cpath(self.c2["id"], "/events"))}
        self.assertEqual((ev1[ids[0]]["kind"], ev1[ids[0]]["asset_id"], ev1[ids[0]]["attrs"]),
                         ("repair", self.car1["id"], {"ro": "RO-1"}))
        self.assertEqual(ev2[ids[1]]["customer_id"], self.c2["id"])
        self.assertIn(ids[2], ev2)
        self.assertIn(ids[3], ev1)
        # sent again: the three with an external id are skipped, the fourth recorded again
        r = self.admin.post(BATCH, {"events": events})
        self.assertStatus(r, 201)
        self.assertEqual(r.body["skipped"], 3)
        self.assertEqual(r.body["created"][:3], [None, None, None])
        self.assertIsInstance(r.body["created"][3], int)
        # the same external id twice in one batch: the second is skipped
        dup = self.uniq("erp-")
        r = self.admin.post(BATCH, {"events": [{"customer_id": self.c1["id"], "kind": "call", "occurred_at": now,
                                                "external_id": dup}] * 2})
        self.assertStatus(r, 201)
        self.assertEqual(r.body["skipped"], 1)
        self.assertIsInstance(r.body["created"][0], int)
        self.assertIsNone(r.body["created"][1])

    def test_batch_all_or_nothing(self):
        before = self.snapshot(self.c1["id"], self.c2["id"])
        now = now_ms()
        good = {"customer_id": self.c1["id"], "kind": "call", "occurred_at": now, "external_id": self.uniq("ok-")}
        r = self.admin.post(BATCH, {"events": [
            good,
            {"customer_id": self.c1["id"], "kind": "teleport", "occurred_at": now},
            {"customer_id": self.c1["id"], "kind": "call", "occurred_at": now + 3 * DAY},
            {"customer_id": self.c1["id"], "kind": "repair", "occurred_at": now, "asset_id": self.car2["id"]},
            {"customer_id": 987654, "kind": "call", "occurred_at": now},
            {"customer_code": "C99999999", "kind": "call", "occurred_at": now},
            {"kind": "call", "occurred_at": now},
            {"customer_id": self.c2["id"], "kind": "call", "occurred_at": now, "amount_fen": -100},
        ]})
        self.assertFieldErrors(r, {"events[1].kind": "field.invalid",
                                   "events[2].occurred_at": "customer.time_out_of_range",
                                   "events[3].asset_id": "customer.asset_not_owned",
                                   "events[4].customer_id": "customer.unknown",
                                   "events[5].customer_code": "customer.unknown",
                                   "events[6].customer_id": "customer.unknown",
                                   "events[7].amount_fen": "field.out_of_range"}, exact=True)
        # malformed members are reported per event too
        r = self.admin.post(BATCH, {"events": [good, "x", {"customer_id": self.c1["id"], "kind": "call",
                                                          "occurred_at": "yesterday", "bogus": 1},
                                               {"customer_id": "1", "kind": 5}]})
        self.assertFieldErrors(r, {"events[1]": "field.wrong_type", "events[2].occurred_at": "field.wrong_type",
                                   "events[2].bogus": "field.unknown", "events[3].customer_id": "field.wrong_type",
                                   "events[3].kind": "field.wrong_type", "events[3].occurred_at": "field.required"},
                               exact=True)
        self.assertFieldErrors(self.admin.post(BATCH, {"events": []}), {"events": "customer.batch_size"})
        self.assertFieldErrors(self.admin.post(BATCH, {}), {"events": "field.required"})
        self.assertFieldErrors(self.admin.post(BATCH, {"events": {}}), {"events": "field.wrong_type"})
        self.assertFieldErrors(self.admin.post(BATCH, {"events": [good], "source": "dms"}),
                               {"source": "field.unknown"})
        self.assertFieldErrors(self.admin.post(BATCH, {"events": [good] * 1001}), {"events": "customer.batch_size"})
        self.assertUnchanged(before, "refused batches")

    def test_batch_of_one_reports_indexed_fields(self):
        before = self.snapshot(self.c1["id"])
        r = self.admin.post(BATCH, {"events": [{"customer_id": self.c1["id"], "kind": "teleport",
                                                "occurred_at": now_ms()}]})
        self.assertFieldErrors(r, {"events[0].kind": "field.invalid"}, exact=True)
        self.assertUnchanged(before, "a refused batch of one")

    def test_event_paging(self):
        c = self.new_customer(name="分页事件")
        t = now_ms() - 100_000
        r = self.admin.post(BATCH, {"events": [{"customer_id": c["id"], "kind": "visit", "occurred_at": t + i}
                                               for i in range(5)]})
        self.assertStatus(r, 201)
        made = r.body["created"]
        seen, after = [], None
        for _ in range(10):
            q = {"limit": 2}
            if after:
                q["after"] = after
            page = self.admin.get(cpath(c["id"], "/events"), query=q)
            self.assertStatus(page, 200)
            seen.extend(e["id"] for e in page.body["items"])
            after = page.body["next"]
            if after is None:
                break
        self.assertEqual(seen, sorted(made, reverse=True))


# ============================================================================ search


class CustomerSearchTest(CustomerCase):
    """Full-text search must find the same records on SQLite (FTS5) and PostgreSQL (tsvector)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        a = cls.admin
        cls.unit = a.create_unit(cls.head["id"], "se-a", "搜索分公司", "branch")
        cls.zw = cls.new_customer(name="张伟", notes="客户反映厨房漏水，已派师傅", address="上海市浦东新区世纪大道100号",
                                  phones=[{"number": "13812345678"}, {"number": "(021) 6123-4567"}])
        cls.new_asset(cls.zw["id"], "vehicle", {"plate": "沪A12345", "vin": "LSVAB4189E2123456", "model": "帕萨特"})
        cls.ln = cls.new_customer(name="李娜", notes="投诉空调噪音", address="北京市朝阳区建国路",
                                  email="Lina.Wang@Example.com", phones=[{"number": "13987654321"}])
        cls.wwh = cls.new_customer(name="王伟华", notes="ＶＩＰ客户，电话１８６００００１１１２", address="广州市天河区")
        cls.org = cls.new_customer(name="蓝天科技有限公司", kind="organisation", notes="Quarterly REVIEW meeting")
        cls.new_asset(cls.org["id"], "shop_account", {"platform": "Tmall", "account": "BlueSky2024"})

    def find(self, q, client=None, **extra):
        r = (client or self.admin).get(CUSTOMERS, query=dict(extra, q=q, limit=200))
        self.assertStatus(r, 200, "search %r" % q)
        return {x["id"] for x in r.body["items"]}

    def test_chinese_words(self):
        zw, ln, wwh = self.zw["id"], self.ln["id"], self.wwh["id"]
        cases = [("张伟", {zw}), ("漏水", {zw}), ("厨房漏水", {zw}), ("浦东", {zw}), ("世纪大道", {zw}),
                 ("空调", {ln}), ("朝阳", {ln}), ("李娜", {ln}), ("伟", {zw, wwh}), ("王伟华", {wwh}),
                 ("天河", {wwh}), ("蓝天", {self.org["id"]}), ("帕萨特", {zw}),
                 ("张伟 漏水", {zw}), ("张伟 空调", set()), ("刘备", set()), ("漏电", set()), ("伟张", set())]
        for q, want in cases:
            with self.subTest(q=q):
                self.assertEqual(self.find(q), want)

    def test_digits_letters_and_fragments(self):
        zw, ln, wwh, org = self.zw["id"], self.ln["id"], self.wwh["id"], self.org["id"]
        cases = [("13812345678", {zw}), ("5678", {zw}), ("1234", {zw}), ("3812", {zw}), ("81234567", {zw}),
                 ("6123", {zw}), ("61234567", {zw}), ("8765", {ln}), ("9876543", {ln}),
                 ("沪A12345", {zw}), ("a123", {zw}), ("A12345", {zw}), ("2345", {zw}),
                 ("LSVAB", {zw}), ("lsvab4189", {zw}), ("E2123456", {zw}), ("4189e21", {zw}),
                 ("lina", {ln}), ("LINA", {ln}), ("example", {ln}), ("WANG", {ln}),
                 ("１２３４５６７８", {zw}), ("５６７８", {zw}), ("18600001112", {wwh}), ("0000111", {wwh}),
                 ("vip", {wwh}), ("ＶＩＰ", {wwh}), ("review", {org}), ("tmall", {org}), ("bluesky2024", {org}),
                 ("sky2", {org}),
                 ("99999", set()), ("zzzz", set()), ("5679", set()), ("!!!", set()), ("沪Q", set())]
        for q, want in cases:
            with self.subTest(q=q):
                self.assertEqual(self.find(q), want)

    def test_customer_code(self):
        self.assertEqual(self.find(self.ln["code"]), {self.ln["id"]})

    def test_search_follows_changes(self):
        c = self.new_customer(name="赵敏", notes="咨询燃气灶", phones=[{"number": "13511112222"}])
        self.assertEqual(self.find("燃气"), {c["id"]})
        self.assertStatus(self.admin.patch(cpath(c["id"]), {"notes": "热水器异响", "phones": [{"number": "13633334444"}]}),
                          200)
        self.assertEqual(self.find("燃气"), set())
        self.assertEqual(self.find("1111"), set())
        self.assertEqual(self.find("热水器"), {c["id"]})
        self.assertEqual(self.find("3333"), {c["id"]})
        a = self.new_asset(c["id"], "vehicle", {"plate": "浙B77665"})
        self.assertEqual(self.find("b776"), {c["id"]})
        self.assertStatus(self.admin.patch(cpath(c["id"], "/assets/%d" % a["id"]), {"attrs": {"plate": "浙C55443"}}),
                          200)
        self.assertEqual(self.find("b776"), set())
        self.assertEqual(self.find("c554"), {c["id"]})

    def test_search_with_filters(self):
        self.assertEqual(self.find("科技", kind="organisation"), {self.org["id"]})
        self.assertEqual(self.find("科技", kind="person"), set())
        self.assertEqual(self.find("张伟", incomplete="true"), {self.zw["id"]})
        r = self.admin.get(CUSTOMERS, query={"q": "x" * 101})
        self.assertProblem(r, 400)


if __name__ == "__main__":
    unittest.main(verbosity=2)
