"""Working calendars: the shipped mainland calendar, deadline previews across holidays, unit
calendars inherited by their subtree, admin-only writes, and bad input that changes nothing."""

import unittest

from harness import PASSWORD, ServerTestCase

CAL = "/api/v1/calendars"
OFFICE = {d: [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "18:00"}]
          for d in ("mon", "tue", "wed", "thu", "fri")}
STORE_HOURS = {d: [{"start": "09:00", "end": "21:00"}] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def fields(body):
    return sorted(e["field"] for e in body.get("errors", []))


class CalendarTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        a = cls.admin
        cls.branch = a.create_unit(cls.head["id"], "cal-b", "日历分公司", "branch")
        cls.store = a.create_unit(cls.branch["id"], "cal-s", "日历门店", "store")
        cls.other = a.create_unit(cls.head["id"], "cal-o", "另一分公司", "branch")
        a.create_user("calagent", cls.branch["id"], ["agent"])
        a.create_user("calmgr", cls.head["id"], ["manager"])
        cls.agent = cls.server.login("calagent", PASSWORD)
        cls.manager = cls.server.login("calmgr", PASSWORD)
        items = a.get(CAL).body["items"]
        cls.default = next(c for c in items if c["is_default"])

    def cal(self, cid, year=None, client=None):
        r = (client or self.admin).get("%s/%d" % (CAL, cid), query={"year": year})
        self.assertStatus(r, 200)
        return r.body

    def effective(self, unit_id, client=None):
        r = (client or self.admin).get(CAL + "/effective", query={"unit_id": unit_id})
        self.assertStatus(r, 200)
        return r.body

    def due(self, cid, client=None, **q):
        return (client or self.admin).get("%s/%d/due" % (CAL, cid), query=q)

    def snapshot(self):
        cals = self.admin.get(CAL).body["items"]
        return cals, [self.cal(c["id"]) for c in cals], self.admin.audit_count()

    # ------------------------------------------------------------------ shipped data

    def test_default_calendar_with_2026_holidays(self):
        r = self.agent.get(CAL)  # any signed-in caller reads
        self.assertStatus(r, 200)
        d = self.default
        self.assertEqual(d["name"], "中国大陆标准工时")
        self.assertEqual((d["time_zone"], d["utc_offset_minutes"], d["unit_id"]), ("Asia/Shanghai", 480, None))
        self.assertEqual(d["hours"]["mon"], OFFICE["mon"])
        self.assertEqual(d["hours"]["sat"], [])
        self.assertEqual(d["standard_day_minutes"], 480)
        days = {x["day"]: x for x in self.cal(d["id"], 2026, self.agent)["days"]}
        self.assertTrue(all(k.startswith("2026-") for k in days))
        off = sorted(k for k, x in days.items() if x["kind"] == "holiday")
        on = sorted(k for k, x in days.items() if x["kind"] == "workday")
        self.assertEqual(len(off), 33)
        self.assertEqual(on, ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"])
        self.assertEqual(days["2026-10-01"], {"day": "2026-10-01", "kind": "holiday", "name": "国庆节", "provisional": False})
        for k in ("2026-01-01", "2026-02-15", "2026-02-23", "2026-04-04", "2026-05-05", "2026-06-19", "2026-09-27",
                  "2026-10-07"):
            self.assertEqual(days[k]["kind"], "holiday", k)
        days27 = self.cal(d["id"], 2027)["days"]
        self.assertTrue(days27)
        self.assertTrue(all(x["provisional"] and x["kind"] == "holiday" for x in days27), days27)
        self.assertIn("2027-10-01", {x["day"] for x in days27})
        days25 = self.cal(d["id"], 2025)["days"]
        self.assertEqual(len(days25), 33)  # 28 days off, 5 make-up days
        everything = self.cal(d["id"])["days"]
        self.assertEqual(len(everything), len(days25) + len(days) + len(days27))

    # ------------------------------------------------------------------ deadlines

    def test_due_preview_across_national_day(self):
        cid = self.default["id"]
        r = self.due(cid, self.agent, start="2026-09-30T16:00:00+08:00", days=1)
        self.assertStatus(r, 200)
        self.assertEqual(r.body["due_at_local"], "2026-10-08T16:00:00+08:00")
        self.assertEqual(r.body["working_minutes"], 480)
        same = self.due(cid, start="2026-09-30T08:00:00Z", minutes=480).body
        self.assertEqual(same["due_at"], r.body["due_at"])
        local = self.due(cid, start="2026-09-30T16:00", minutes=480).body  # the calendar's local time
        self.assertEqual(local["due_at"], r.body["due_at"])
        ms = self.due(cid, start=str(r.body["start"]), minutes=480).body
        self.assertEqual(ms["due_at"], r.body["due_at"])
        # Friday 17:00 + 2 working hours → Monday 10:00; the Spring Festival make-up Saturday.
        self.assertEqual(self.due(cid, start="2026-03-13T17:00:00+08:00", minutes=120).body["due_at_local"],
                         "2026-03-16T10:00:00+08:00")
        self.assertEqual(self.due(cid, start="2026-02-13T17:00:00+08:00", minutes=480).body["due_at_local"],
                         "2026-02-14T17:00:00+08:00")
        r = self.due(cid, minutes=60)  # from now
        self.assertStatus(r, 200)
        self.assertGreater(r.body["due_at"], r.body["start"])
        self.assertProblem(self.due(987654, minutes=1), 404)

    # ------------------------------------------------------------------ unit calendars

    def test_unit_calendar_overrides_and_is_inherited(self):
        dflt = self.default["id"]
        for u in (self.head, self.branch, self.store):
            self.assertEqual(self.effective(u["id"])["id"], dflt)
        r = self.admin.post(CAL, {"name": "分公司门店工时", "hours": STORE_HOURS, "unit_id": self.branch["id"]})
        self.assertStatus(r, 201)
        mine = r.body
        self.assertEqual((mine["unit_id"], mine["is_default"], mine["standard_day_minutes"]),
                         (self.branch["id"], False, 720))
        self.assertEqual(self.effective(self.branch["id"])["id"], mine["id"])
        self.assertEqual(self.effective(self.store["id"], self.agent)["id"], mine["id"], "a child inherits")
        self.assertEqual(self.effective(self.head["id"])["id"], dflt)
        self.assertEqual(self.effective(self.other["id"])["id"], dflt)
        # The agent's scope is the branch: the head office is not theirs to ask about.
        self.assertProblem(self.agent.get(CAL + "/effective", query={"unit_id": self.head["id"]}), 404)
        # Open on Saturdays 09–21: Friday 20:00 + 2 h → Saturday 10:00.
        self.assertEqual(self.due(mine["id"], start="2026-03-13T20:00:00+08:00", minutes=120).body["due_at_local"],
                         "2026-03-14T10:00:00+08:00")
        # One unit, one calendar.
        r = self.admin.post(CAL, {"name": "重复", "hours": OFFICE, "unit_id": self.branch["id"]})
        self.assertProblem(r, 409, "calendar.unit_taken")
        # A deeper calendar wins for its own subtree only.
        deeper = self.admin.post(CAL, {"name": "门店工时", "hours": OFFICE, "unit_id": self.store["id"]}).body
        self.assertEqual(self.effective(self.store["id"])["id"], deeper["id"])
        self.assertEqual(self.effective(self.branch["id"])["id"], mine["id"])
        # Detaching falls back to the ancestor, then to the default.
        r = self.admin.patch("%s/%d" % (CAL, deeper["id"]), {"unit_id": None})
        self.assertStatus(r, 200)
        self.assertIsNone(r.body["unit_id"])
        self.assertEqual(self.effective(self.store["id"])["id"], mine["id"])
        self.assertStatus(self.admin.patch("%s/%d" % (CAL, mine["id"]), {"unit_id": None}), 200)
        self.assertEqual(self.effective(self.store["id"])["id"], dflt)
        r = self.admin.patch("%s/%d" % (CAL, mine["id"]), {"unit_id": self.branch["id"], "name": "分公司工时"})
        self.assertStatus(r, 200)
        self.assertEqual(self.effective(self.store["id"])["name"], "分公司工时")
        self.assertStatus(self.admin.patch("%s/%d" % (CAL, mine["id"]), {"unit_id": None}), 200)

    def test_put_days_replaces_one_year(self):
        c = self.admin.post(CAL, {"name": "测试日历", "hours": OFFICE, "time_zone": "Asia/Hong_Kong"}).body
        self.assertEqual(c["days"], [])
        before = self.admin.audit_count()
        body = {"days": [{"day": "2026-03-16", "kind": "holiday", "name": "店庆"},
                         {"day": "2026-03-14", "kind": "workday", "name": "补班", "provisional": True}]}
        r = self.admin.put("%s/%d/days/2026" % (CAL, c["id"]), body)
        self.assertStatus(r, 200)
        self.assertEqual([d["day"] for d in r.body["days"]], ["2026-03-14", "2026-03-16"])
        self.assertEqual(self.admin.audit_count(), before + 1)
        self.assertStatus(self.admin.put("%s/%d/days/2027" % (CAL, c["id"]),
                                         {"days": [{"day": "2027-01-01", "kind": "holiday", "name": "元旦"}]}), 200)
        # Fri 17:00 + 2 h: Saturday 03-14 works, Monday 03-16 is off.
        self.assertEqual(self.due(c["id"], start="2026-03-13T17:00:00+08:00", minutes=120).body["due_at_local"],
                         "2026-03-14T10:00:00+08:00")
        # Replacing 2026 leaves 2027 alone; sending the same again records nothing.
        body = {"days": [{"day": "2026-12-25", "kind": "holiday", "name": "圣诞"}]}
        self.assertStatus(self.admin.put("%s/%d/days/2026" % (CAL, c["id"]), body), 200)
        n = self.admin.audit_count()
        self.assertStatus(self.admin.put("%s/%d/days/2026" % (CAL, c["id"]), body), 200)
        self.assertEqual(self.admin.audit_count(), n)
        self.assertEqual([d["day"] for d in self.cal(c["id"])["days"]], ["2026-12-25", "2027-01-01"])
        self.assertEqual(self.due(c["id"], start="2026-03-13T17:00:00+08:00", minutes=120).body["due_at_local"],
                         "2026-03-16T10:00:00+08:00")
        self.assertStatus(self.admin.put("%s/%d/days/2026" % (CAL, c["id"]), {"days": []}), 200)
        self.assertEqual([d["day"] for d in self.cal(c["id"], 2026)["days"]], [])

    # ------------------------------------------------------------------ refusals

    def test_writes_are_admin_only(self):
        cid = self.default["id"]
        before = self.snapshot()
        for client in (self.manager, self.agent):
            self.assertProblem(client.post(CAL, {"name": "x", "hours": OFFICE}), 403, "auth.forbidden")
            self.assertProblem(client.patch("%s/%d" % (CAL, cid), {"name": "x"}), 403, "auth.forbidden")
            self.assertProblem(client.put("%s/%d/days/2026" % (CAL, cid), {"days": []}), 403, "auth.forbidden")
            self.assertStatus(client.get("%s/%d" % (CAL, cid)), 200)
        self.assertEqual(self.snapshot(), before)

    def test_bad_input_changes_nothing(self):
        cid = self.default["id"]
        before = self.snapshot()
        hours_bad = [
            ({"mon": [{"start": "09:00", "end": "12:00"}, {"start": "11:00", "end": "13:00"}]}, ["hours.mon[1]"]),
            ({"mon": [{"start": "13:00", "end": "18:00"}, {"start": "09:00", "end": "12:00"}]}, ["hours.mon[1]"]),
            ({"tue": [{"start": "18:00", "end": "09:00"}]}, ["hours.tue[0]"]),
            ({"mon": [{"start": "9:00", "end": "12:00"}]}, ["hours.mon[0].start"]),
            ({"mon": [{"start": "09:00", "end": "24:30"}]}, ["hours.mon[0].end"]),
            ({"mon": [{"start": "09:00"}]}, ["hours.mon[0].end"]),
            ({"mon2": []}, ["hours.mon2"]),
            ({"mon": "09:00-18:00"}, ["hours.mon"]),
            ({}, ["hours"]),
            ({"sat": []}, ["hours"]),
        ]
        for hours, expected in hours_bad:
            r = self.admin.post(CAL, {"name": "坏时段", "hours": hours})
            b = self.assertProblem(r, 422, "validation.failed", msg=repr(hours))
            self.assertEqual(fields(b), expected, hours)
            r = self.admin.patch("%s/%d" % (CAL, cid), {"hours": hours})
            self.assertEqual(fields(self.assertProblem(r, 422)), expected, hours)
        r = self.admin.post(CAL, {"name": "柏林", "hours": OFFICE, "time_zone": "Europe/Berlin"})
        b = self.assertProblem(r, 422)
        self.assertEqual(fields(b), ["time_zone"])
        self.assertIn("Asia/Shanghai", b["errors"][0]["message"])
        b = self.assertProblem(self.admin.post(CAL, {"hours": OFFICE, "colour": "red"}), 422)
        self.assertEqual(fields(b), ["colour", "name"])
        b = self.assertProblem(self.admin.post(CAL, {"name": "x", "hours": OFFICE, "unit_id": 987654}), 422)
        self.assertEqual(fields(b), ["unit_id"])
        b = self.assertProblem(self.admin.patch("%s/%d" % (CAL, cid), {"is_default": False}), 422)
        self.assertEqual(fields(b), ["is_default"])
        self.assertProblem(self.admin.patch("%s/987654" % CAL, {"name": "x"}), 404)

        put = "%s/%d/days/2026" % (CAL, cid)
        days_bad = [
            ([{"day": "2027-01-01", "kind": "holiday", "name": "元旦"}], ["days[0].day"]),
            ([{"day": "2026-02-30", "kind": "holiday", "name": "x"}], ["days[0].day"]),
            ([{"day": "2026-10-01", "kind": "holiday", "name": "a"}, {"day": "2026-10-01", "kind": "holiday", "name": "b"}],
             ["days[1].day"]),
            ([{"day": "2026-10-01", "kind": "off", "name": "a"}], ["days[0].kind"]),
            ([{"day": "2026-10-01", "kind": "holiday", "name": ""}], ["days[0].name"]),
            ([{"day": "2026-10-01", "kind": "holiday"}], ["days[0].name"]),
            ([{"day": "2026-10-01", "kind": "holiday", "name": "a", "extra": 1}], ["days[0].extra"]),
            (["2026-10-01"], ["days[0]"]),
        ]
        for days, expected in days_bad:
            b = self.assertProblem(self.admin.put(put, {"days": days}), 422, msg=repr(days))
            self.assertEqual(fields(b), expected, days)
        self.assertEqual(fields(self.assertProblem(self.admin.put(put, {}), 422)), ["days"])
        b = self.assertProblem(self.admin.put("%s/%d/days/1999" % (CAL, cid), {"days": []}), 422)
        self.assertEqual(fields(b), ["year"])
        self.assertProblem(self.admin.put("%s/987654/days/2026" % CAL, {"days": []}), 404)

        for q, expected in (({"start": "2026-09-30T16:00:00+08:00"}, ["minutes"]),
                            ({"minutes": 1, "days": 1}, ["minutes"]),
                            ({"start": "yesterday", "minutes": 1}, ["start"]),
                            ({"minutes": -5}, ["minutes"]),
                            ({"days": 99999}, ["days"])):
            b = self.assertProblem(self.due(cid, **q), 422, msg=repr(q))
            self.assertEqual(fields(b), expected, q)
        self.assertProblem(self.due(cid, minutes="ten"), 400)
        self.assertEqual(self.snapshot(), before)

    def test_messages_in_both_languages(self):
        body = {"name": "x", "hours": {"mon": [{"start": "10:00", "end": "09:00"}]}}
        zh = self.admin.post(CAL, body).body["errors"][0]["message"]
        en_client = self.server.login(lang="en")
        en = en_client.post(CAL, body).body["errors"][0]["message"]
        self.assertIn("开始", zh)
        self.assertIn("start", en)
        b = en_client.put("%s/%d/days/2026" % (CAL, self.default["id"]),
                          {"days": [{"day": "2027-01-01", "kind": "holiday", "name": "x"}]}).body
        self.assertIn("2026", b["errors"][0]["message"])


class CalendarDefaultTest(ServerTestCase):

    def test_admin_edits_of_shipped_days_are_kept(self):
        # An admin confirms a provisional 2027 day (the shipped data is applied once only).
        cid = next(c for c in self.admin.get(CAL).body["items"] if c["is_default"])["id"]
        days = self.admin.get("%s/%d" % (CAL, cid), query={"year": 2027}).body["days"]
        self.assertTrue(days)
        for d in days:
            d["provisional"] = False
        self.assertStatus(self.admin.put("%s/%d/days/2027" % (CAL, cid), {"days": days}), 200)
        self.server.stop()
        self.server.serve()  # start-up runs ensure_defaults again
        self.__class__.admin = self.server.login()
        again = self.admin.get("%s/%d" % (CAL, cid), query={"year": 2027}).body["days"]
        self.assertEqual(again, days)
        self.assertEqual(len([c for c in self.admin.get(CAL).body["items"] if c["is_default"]]), 1)

    def test_default_moves_and_stays_unique(self):
        a = self.admin
        old = next(c for c in a.get(CAL).body["items"] if c["is_default"])
        before = a.audit_count()
        r = a.post(CAL, {"name": "全天候", "time_zone": "UTC", "is_default": True,
                         "hours": {d: [{"start": "00:00", "end": "24:00"}] for d in
                                   ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}})
        self.assertStatus(r, 201)
        new = r.body
        self.assertEqual(a.audit_count(), before + 1)
        items = a.get(CAL).body["items"]
        self.assertEqual([c["id"] for c in items if c["is_default"]], [new["id"]])
        self.assertEqual(a.get(CAL + "/effective", query={"unit_id": self.head["id"]}).body["id"], new["id"])
        r = a.get("%s/%d/due" % (CAL, new["id"]), query={"start": "2026-10-01T23:30:00Z", "minutes": 60})
        self.assertEqual(r.body["due_at_local"], "2026-10-02T00:30:00+00:00")
        self.assertStatus(a.patch("%s/%d" % (CAL, old["id"]), {"is_default": True}), 200)
        items = a.get(CAL).body["items"]
        self.assertEqual([c["id"] for c in items if c["is_default"]], [old["id"]])
        # Changing nothing records nothing.
        n = a.audit_count()
        self.assertStatus(a.patch("%s/%d" % (CAL, old["id"]), {"name": old["name"]}), 200)
        self.assertEqual(a.audit_count(), n)


if __name__ == "__main__":
    unittest.main(verbosity=2)
