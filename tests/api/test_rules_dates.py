"""Date and schedule rules on the adjustable clock: a birthday rule fires on the birthday (not
the day before) with its due time counted from that day's local midnight, once however often
the day is run; an insurance-expiry rule 30 days ahead picks the right vehicle; conditions
exclude customers; a day missed while the clock jumped is caught up once; a weekly schedule
fires on its weekday for the customers its conditions hold for; dry runs show the next days
without writing; bad definitions are refused with every problem, in zh-CN and en."""

import datetime
import threading
import unittest

from harness import PG_URL, KefuServer, ServerTestCase, items_of
from test_callbacks import BJ, CallbackCase, bj
from test_callbacks_exactly_once import psql

HOUR = 3600 * 1000


class DateRuleCase(CallbackCase):

    def tasks(self, customer_id):
        r = self.c["sup"].get("/api/v1/callbacks", query={"view": "unit", "customer_id": customer_id,
                                                          "state": "pending"})
        self.assertStatus(r, 200)
        return r.body["items"]

    def time_rule(self, code, trigger, conditions=(), delay=0, due=24, questionnaire="store_purchase"):
        r = self.admin.post("/api/v1/rules", {
            "code": code, "name": code, "unit_id": self.branch["id"],
            "definition": {"trigger": trigger, "conditions": list(conditions),
                           "delay": {"unit": "hours", "amount": delay},
                           "due": {"unit": "hours", "amount": due}, "action": "callback",
                           "params": {"questionnaire": questionnaire, "max_attempts": 3, "retry_minutes": 60}}})
        self.assertStatus(r, 201)
        return r.body

    def vehicle_with(self, cid, plate, **attrs):
        body = {"plate": plate, "model": "途观"}
        body.update(attrs)
        r = self.admin.post("/api/v1/customers/%d/assets" % cid, {"type": "vehicle", "attrs": body})
        self.assertStatus(r, 201)
        return r.body


class BirthdayRuleTest(DateRuleCase):

    def test_birthday_fires_once_on_the_day(self):
        self.set_clock(bj(2026, 3, 10, 10, 0))
        him = self.customer("周杰", "13200132001", gender="male", birthday="1985-03-12")
        her = self.customer("李娜", "13200132002", gender="female", birthday="1990-03-12")
        other = self.customer("王强", "13200132003", gender="male", birthday="1985-03-13")
        rule = self.time_rule("birthday-care", {"date_field": "customer.birthday", "days_before": 0},
                              conditions=[{"field": "customer.gender", "op": "=", "values": ["male"]}],
                              delay=9, due=24)
        self.assertEqual(rule["definition"]["trigger"], {"date_field": "customer.birthday", "days_before": 0})

        # the day before: nothing
        self.set_clock(bj(2026, 3, 11, 0, 10))
        self.assertEqual(self.tasks(him["id"]), [])

        # the birthday: one task, offered at 09:00 and due 24 h after the day's local midnight
        self.set_clock(bj(2026, 3, 12, 0, 10))
        mine = self.tasks(him["id"])
        self.assertEqual(len(mine), 1, mine)
        self.assertEqual(mine[0]["offer_at"], bj(2026, 3, 12, 9, 0))
        self.assertEqual(mine[0]["due_at"], bj(2026, 3, 13, 0, 0))
        self.assertEqual(mine[0]["rule_id"], rule["id"])
        self.assertEqual(self.tasks(her["id"]), [], "the condition (male) excludes her")
        self.assertEqual(self.tasks(other["id"]), [], "not his birthday yet")

        # running the day again (a back-fill of the last days, the clock moved on a minute)
        # creates nothing more
        again = self.admin.post("/api/v1/rules/%d/backfill?days=3" % rule["id"], {})
        self.assertStatus(again, 200)
        self.assertEqual((again.body["created"], again.body["already"]), (0, 1), again.body)
        self.set_clock(bj(2026, 3, 12, 0, 11))
        self.assertEqual(len(self.tasks(him["id"])), 1)
        firings = items_of(self.admin.get("/api/v1/rules/%d/firings" % rule["id"]).body)
        self.assertEqual([(f["customer_id"], f["outcome"]) for f in firings], [(him["id"], "created")])

        # the next day: the other customer's birthday; a back-fill over more than the catch-up
        # window is refused
        self.set_clock(bj(2026, 3, 13, 0, 10))
        self.assertEqual(len(self.tasks(other["id"])), 1)
        self.assertEqual(len(self.tasks(him["id"])), 1)
        r = self.admin.post("/api/v1/rules/%d/backfill?days=30" % rule["id"], {})
        self.assertProblem(r, 422, "validation.failed")
        self.assertEqual(r.body["errors"][0]["code"], "rules.catch_up_range")

    def test_z_missed_days_are_caught_up_once(self):
        # (runs after the first test: the clock only moves forward in this class)
        self.set_clock(bj(2026, 3, 20, 10, 0))
        c = self.customer("赵敏", "13200132004", gender="male", birthday="1980-03-22")
        # the clock jumps over the birthday (no node ran on the 22nd)
        self.set_clock(bj(2026, 3, 24, 10, 0))
        mine = self.tasks(c["id"])
        self.assertEqual(len(mine), 1, mine)
        self.assertEqual(mine[0]["due_at"], bj(2026, 3, 23, 0, 0), "counted from the missed day")
        self.set_clock(bj(2026, 3, 25, 10, 0))
        self.assertEqual(len(self.tasks(c["id"])), 1)


class InsuranceRuleTest(DateRuleCase):

    def test_insurance_expiry_thirty_days_ahead(self):
        self.set_clock(bj(2026, 5, 1, 10, 0))
        owner = self.customer("钱伟", "13300133001")
        due_car = self.vehicle_with(owner["id"], "浙A10001", insurance_expiry="2026-06-12")
        later_car = self.vehicle_with(owner["id"], "浙A10002", insurance_expiry="2026-06-13")
        no_date = self.vehicle_with(owner["id"], "浙A10003")
        rule = self.time_rule("insurance-renewal", {"date_field": "asset.insurance_expiry", "days_before": 30},
                              conditions=[{"field": "asset.type", "op": "=", "values": ["vehicle"]}],
                              due=48)
        # the catalogue offers every date field of the asset types
        cat = self.admin.get("/api/v1/rule-catalogue").body
        keys = {t["key"]: t for t in cat["triggers"]}
        self.assertEqual(keys["date:asset.insurance_expiry"]["date_kind"], "exact")
        self.assertEqual(keys["date:asset.delivery_date"]["date_kind"], "anniversary")
        self.assertEqual(keys["schedule"]["kind"], "schedule")

        # dry run over the next 14 days: the 13th of May for the first car, nothing written
        dry = self.admin.post("/api/v1/rules/dry-run", {"unit_id": self.branch["id"], "days": 14,
                                                        "definition": rule["definition"]})
        self.assertStatus(dry, 200)
        self.assertEqual(dry.body["matched"], 2, dry.body)
        self.assertEqual([(d["day"], d["matched"]) for d in dry.body["days"] if d["matched"]],
                         [("2026-05-13", 1), ("2026-05-14", 1)])
        self.assertEqual(dry.body["sample"][0]["asset_id"], due_car["id"])
        self.assertEqual(dry.body["sample"][0]["due_at"], bj(2026, 5, 15, 0, 0))
        self.assertEqual(self.tasks(owner["id"]), [], "a dry run writes nothing")

        self.set_clock(bj(2026, 5, 13, 8, 0))
        mine = self.tasks(owner["id"])
        self.assertEqual([t["asset_id"] for t in mine], [due_car["id"]])
        self.assertEqual(mine[0]["due_at"], bj(2026, 5, 15, 0, 0))
        self.set_clock(bj(2026, 5, 14, 8, 0))
        self.assertEqual(sorted(t["asset_id"] for t in self.tasks(owner["id"])),
                         sorted([due_car["id"], later_car["id"]]))
        self.assertNotIn(no_date["id"], [t["asset_id"] for t in self.tasks(owner["id"])])


class ScheduleRuleTest(DateRuleCase):

    def test_weekly_schedule_for_vip_customers(self):
        self.set_clock(bj(2026, 6, 9, 10, 0))  # a Tuesday
        vip = self.customer("孙丽", "13400134001", tags=["VIP"])
        plain = self.customer("周平", "13400134002")
        definition_trigger = {"schedule": {"every": "week", "on": 1}}
        rule = self.time_rule("vip-weekly", definition_trigger,
                              conditions=[{"field": "customer.tags", "op": "contains", "values": ["VIP"]}],
                              delay=10, due=8)
        self.assertEqual(rule["definition"]["trigger"], definition_trigger)
        dry = self.admin.post("/api/v1/rules/dry-run", {"unit_id": self.branch["id"], "days": 14,
                                                        "definition": rule["definition"]})
        self.assertStatus(dry, 200)
        self.assertEqual([d["day"] for d in dry.body["days"] if d["matched"]], ["2026-06-15", "2026-06-22"])
        self.assertEqual(len(dry.body["days"]), 14)

        self.set_clock(bj(2026, 6, 14, 10, 0))  # Sunday: nothing yet
        self.assertEqual(self.tasks(vip["id"]), [])
        self.set_clock(bj(2026, 6, 15, 0, 30))  # Monday
        mine = self.tasks(vip["id"])
        self.assertEqual(len(mine), 1)
        self.assertEqual((mine[0]["offer_at"], mine[0]["due_at"]), (bj(2026, 6, 15, 10, 0), bj(2026, 6, 15, 10, 0)),
                         "due is never before the offer")
        self.assertEqual(self.tasks(plain["id"]), [], "the condition excludes customers without the tag")
        self.set_clock(bj(2026, 6, 16, 0, 30))
        self.assertEqual(len(self.tasks(vip["id"])), 1)


class TimeRuleRefusalTest(DateRuleCase):

    def test_bad_time_definitions_change_nothing(self):
        en = self.server.login(lang="en")  # (a sign-in is audited: before counting)
        before = len(items_of(self.admin.get("/api/v1/rules").body))
        audit = self.admin.audit_count()
        cases = [
            ({"schedule": {"every": "fortnight"}}, "definition.trigger.schedule.every", "rules.schedule_every"),
            ({"schedule": {"every": "week", "on": 9}}, "definition.trigger.schedule.on", "rules.schedule_weekday"),
            ({"schedule": {"every": "month", "on": 31}}, "definition.trigger.schedule.on", "rules.schedule_monthday"),
            ({"schedule": {"every": "day", "on": 2}}, "definition.trigger.schedule.on", "rules.schedule_on_day"),
            ({"date_field": "customer.birthday", "days_before": -1}, "definition.trigger.days_before",
             "rules.days_before_range"),
            ({"date_field": "asset.shoe_date"}, "definition.trigger.date_field", "rules.trigger_unknown"),
            ({"date_field": "customer.birthday", "schedule": {"every": "day"}}, "definition.trigger",
             "rules.trigger_one"),
            ({"schedule": {"every": "day", "at": "09:00"}}, "definition.trigger.schedule.at", "field.unknown"),
        ]
        for trigger, field, code in cases:
            r = self.admin.post("/api/v1/rules", {"code": self.uniq("bad"), "name": "坏", "unit_id": self.branch["id"],
                                                  "definition": {"trigger": trigger, "action": "callback",
                                                                 "params": {"questionnaire": "store_purchase"}}})
            self.assertProblem(r, 422, "validation.failed", str(trigger))
            self.assertIn((field, code), [(e["field"], e["code"]) for e in r.body["errors"]], r.body)
        # a schedule's conditions see no event
        r = self.admin.post("/api/v1/rules", {"code": "bad-cond", "name": "坏", "definition": {
            "trigger": {"schedule": {"every": "day"}},
            "conditions": [{"field": "event.amount_fen", "op": ">", "values": ["1"]}],
            "action": "callback", "params": {"questionnaire": "store_purchase"}}})
        self.assertProblem(r, 422, "validation.failed")
        self.assertEqual(r.body["errors"][0]["field"], "definition.conditions[0].field")
        # in English too
        r = en.post("/api/v1/rules", {"code": "bad-en", "name": "bad", "definition": {
            "trigger": {"schedule": {"every": "week", "on": 0}}, "action": "callback",
            "params": {"questionnaire": "store_purchase"}}})
        self.assertProblem(r, 422, "validation.failed")
        self.assertIn("weekday", r.body["errors"][0]["message"])
        zh = self.admin.post("/api/v1/rules/dry-run", {"definition": {
            "trigger": {"schedule": {"every": "week", "on": 0}}, "action": "callback",
            "params": {"questionnaire": "store_purchase"}}})
        self.assertProblem(zh, 422, "validation.failed")
        self.assertIn("星期", zh.body["errors"][0]["message"])
        self.assertEqual(len(items_of(self.admin.get("/api/v1/rules").body)), before, "nothing saved")
        self.assertEqual(self.admin.audit_count(), audit, "nothing audited")


@unittest.skipUnless(PG_URL, "two processes share one database only on PostgreSQL")
class TwoNodeDateRulesTest(ServerTestCase):
    """Two kefu processes on one PostgreSQL database run the same day of a birthday rule at
    the same moment (on the real clock): every customer gets one task."""
    server_config = {"jobs": {"poll_ms": 50}}
    CUSTOMERS = 300

    def test_two_nodes_run_one_day_once(self):
        a = self.admin
        branch = a.create_unit(self.head["id"], "dn-br", "双节点生日", "branch")
        for i in range(3):
            a.create_user("dn_agent%d" % i, branch["id"], roles=["agent"])
        today = datetime.datetime.now(BJ).date()
        birthday = "1980-%02d-%02d" % (today.month, 28 if (today.month, today.day) == (2, 29) else today.day)
        for i in range(self.CUSTOMERS):
            r = a.post("/api/v1/customers", {"name": "寿星%03d" % i, "unit_id": branch["id"], "birthday": birthday,
                                              "phones": [{"number": "137%08d" % i}]})
            self.assertStatus(r, 201)
        # created after today's job ran: only a back-fill (the catch-up path) fires today
        r = a.post("/api/v1/rules", {"code": "dn-birthday", "name": "生日", "unit_id": branch["id"], "definition": {
            "trigger": {"date_field": "customer.birthday", "days_before": 0}, "due": {"unit": "hours", "amount": 24},
            "action": "callback", "params": {"questionnaire": "store_purchase"}}})
        self.assertStatus(r, 201)
        rid = r.body["id"]
        other = KefuServer("TwoNodeDatesB", pg_url=self.server.pg_url, config=self.server_config)
        other.port = None
        url = self.server.pg_url
        try:
            other.cli("migrate")
            other.serve()
            clients = [a, other.login()]
            results = [None, None]

            def run(i):
                results[i] = clients[i].post("/api/v1/rules/%d/backfill?days=2" % rid, {})

            threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            for r in results:
                self.assertStatus(r, 200)
            created = sum(r.body["created"] for r in results)
            already = sum(r.body["already"] for r in results)
            self.assertEqual((created, already), (self.CUSTOMERS, self.CUSTOMERS), [r.body for r in results])
            self.assertEqual(int(psql(url, "SELECT COUNT(*) FROM callback_tasks WHERE rule_id = %d" % rid)),
                             self.CUSTOMERS)
            self.assertEqual(psql(url, "SELECT outcome, COUNT(*) FROM rule_firings WHERE rule_id = %d GROUP BY outcome" % rid),
                             "created|%d" % self.CUSTOMERS)
            self.assertEqual(int(psql(url, "SELECT COUNT(DISTINCT customer_id) FROM callback_tasks WHERE rule_id = %d" % rid)),
                             self.CUSTOMERS)
        finally:
            other.stop()


del CallbackCase, DateRuleCase, ServerTestCase  # not test classes of this module
