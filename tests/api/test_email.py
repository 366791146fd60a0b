"""Survey links by email through a real Postfix (Debian's package, a private instance that
this test starts: tests/api/mailserver.py). kefu is configured with notify.email = smtp and
points at it; the mail is read from the Maildir Postfix delivered it to: From and Subject
decode to the right Chinese, the body holds the link, and the link is answered once. A
recipient Postfix refuses (550) ends failed with Postfix's reply shown to an admin; with
Postfix stopped the message goes back to the queue (not failed, not sent twice) and leaves
once Postfix is back and the retry is due. Refusals (no address, no consent, a bad channel)
are 422 problems in both languages and change nothing."""

import datetime
import time
import unittest

import mailserver
from harness import PASSWORD, ServerTestCase, items_of

BJ = datetime.timezone(datetime.timedelta(hours=8))
MINUTE = 60 * 1000
FROM = "kefu@kefu.test"


def bj(*args):
    return int(datetime.datetime(*args, tzinfo=BJ).timestamp() * 1000)


class EmailCase(ServerTestCase):
    """A private Postfix, kefu sending email through it, an agent and a purchase rule; no tests
    of its own (test_email_tls.py runs the same set-up with TLS)."""
    postfix_tls = False  # Postfix offers STARTTLS with a self-signed certificate
    smtp = {}            # more notify.smtp_* settings (smtp_tls, smtp_verify, smtp_ca_file)

    @classmethod
    def setUpClass(cls):
        reason = mailserver.available()
        if reason:
            raise unittest.SkipTest(reason)
        cls.mail = mailserver.PrivatePostfix(mailboxes=["zheng", "wang", "zhao", "sun", "zhou"],
                                             tls=cls.postfix_tls)
        try:
            cls.mail.start()
            notify = {"email": "smtp", "smtp_host": "127.0.0.1", "smtp_port": cls.mail.port,
                      "smtp_from": FROM, "smtp_timeout_ms": 5000, "poll_ms": 100}
            notify.update({k: (v(cls.mail) if callable(v) else v) for k, v in cls.smtp.items()})
            cls.server_config = {"clock": {"adjustable": True}, "jobs": {"poll_ms": 100}, "notify": notify}
            super().setUpClass()
        except BaseException:
            cls.mail.cleanup()
            raise
        a = cls.admin
        cls.set_clock(bj(2026, 11, 11, 10, 0))  # a Wednesday, outside quiet hours
        cls.branch = a.create_unit(cls.head["id"], "em-4s", "杭州西湖4S店", "branch")
        cls.agent = a.create_user("em_agent", cls.branch["id"], roles=["agent"], display_name="邮件坐席")
        cls.c = cls.server.login("em_agent", PASSWORD)
        r = a.post("/api/v1/rules", {
            "code": "store-mail", "name": "购物回访", "unit_id": cls.branch["id"],
            "definition": {"trigger": {"event": "sale.completed"}, "due": {"unit": "hours", "amount": 72},
                           "action": "callback",
                           "params": {"questionnaire": "store_purchase", "max_attempts": 3, "retry_minutes": 60}}})
        assert r.status == 201, r

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls.mail.cleanup()

    @classmethod
    def set_clock(cls, ms):
        r = cls.admin.post("/api/v1/test/clock", {"set": ms})
        assert r.status == 200, r
        # Sessions expire on the same clock: sign in again at the new time.
        cls.admin = cls.server.login()
        if hasattr(cls, "c"):
            cls.c = cls.server.login("em_agent", PASSWORD)

    # -- set-up helpers (as in test_callbacks.py)

    def task_for(self, name, gender="female", **extra):
        body = {"name": name, "gender": gender, "unit_id": self.branch["id"],
                "phones": [{"number": "132%08d" % (int(time.time() * 1000) % 10 ** 8)}]}
        body.update(extra)
        r = self.admin.post("/api/v1/customers", body)
        self.assertStatus(r, 201)
        cid = r.body["id"]
        r = self.admin.post("/api/v1/customers/%d/events" % cid,
                            {"kind": "purchase", "occurred_at": bj(2026, 11, 11, 9, 30), "unit_id": self.branch["id"]})
        self.assertStatus(r, 201)
        deadline = time.time() + 15
        while time.time() < deadline:
            r = self.c.get("/api/v1/callbacks", query={"view": "mine", "customer_id": cid})
            self.assertStatus(r, 200)
            if r.body["items"]:
                return r.body["items"][0]
            time.sleep(0.2)
        self.fail("no callback task for %s: %s" % (name, self.server.logs()[-3000:]))

    def messages(self, task_id, client=None):
        r = (client or self.c).get("/api/v1/callbacks/%d/messages" % task_id)
        self.assertStatus(r, 200)
        return items_of(r.body)

    def wait_message(self, task_id, pred, timeout=20):
        deadline = time.time() + timeout
        ms = []
        while time.time() < deadline:
            ms = self.messages(task_id)
            if ms and pred(ms[-1]):
                return ms[-1]
            time.sleep(0.2)
        self.fail("message not as expected: %r\n%s\n%s" % (ms, self.server.logs()[-3000:], self.mail.logs()))

    def send(self, task_id, channel="email", expect=201, client=None):
        r = (client or self.c).post("/api/v1/callbacks/%d/survey-link" % task_id, {"channel": channel})
        self.assertStatus(r, expect)
        return r


class EmailSurveyLinkTest(EmailCase):
    """Postfix without TLS: the default `notify.smtp_tls = starttls` sends in plain text."""

    # -- the tests

    def test_link_by_email_arrives_in_chinese_and_is_answered_once(self):
        self.set_clock(bj(2026, 11, 11, 10, 0))
        task = self.task_for("郑欣", email="zheng@kefu.test")
        link = self.send(task["id"]).body["link"]
        token = link.rsplit("/", 1)[1]
        msg = self.mail.wait_for("zheng")[0]
        sender = msg["From"].addresses[0]
        self.assertEqual((sender.display_name, sender.addr_spec), ("客服中心", FROM))
        self.assertEqual(msg["To"].addresses[0].addr_spec, "zheng@kefu.test")
        self.assertEqual(str(msg["Subject"]), "【杭州西湖4S店】诚邀您评价本次服务")
        self.assertEqual(msg.get_content_type(), "text/plain")
        self.assertEqual(msg.get_content_charset(), "utf-8")
        self.assertEqual(msg["Content-Transfer-Encoding"], "base64")
        self.assertEqual(msg["MIME-Version"], "1.0")
        self.assertIsNotNone(msg["Date"].datetime, "Date parses as RFC 5322")
        sent = self.wait_message(task["id"], lambda m: m["state"] == "sent")
        self.assertRegex(msg["Message-ID"], r"^<kefu\.%d\.[0-9a-f]+@kefu\.test>$" % sent["id"])
        body = msg.get_content()
        self.assertIn("郑女士您好", body)
        self.assertIn(link, body)
        self.assertIn("400-888-0000", body)
        # as delivered: the body in base64 lines of at most 76 characters
        raw = self.mail.delivered("zheng", raw=True)[0]
        body_lines = raw.replace(b"\r\n", b"\n").split(b"\n\n", 1)[1].split(b"\n")
        self.assertTrue(all(len(line) <= 76 for line in body_lines), body_lines)
        # the task's messages say so, the address masked
        self.assertEqual((sent["channel"], sent["recipient"], sent["tries"], sent["error"]),
                         ("email", "zh***@kefu.test", 0, ""))
        self.assertEqual(sent["subject"], "【杭州西湖4S店】诚邀您评价本次服务")
        # the customer opens the link and answers once
        anon = self.server.client()
        page = anon.get("/api/v1/public/surveys/" + token)
        self.assertStatus(page, 200)
        self.assertEqual(page.body["greeting"], "郑女士")
        answers = {}
        for q in page.body["questionnaire"]["questions"]:
            if q["required"] and q["show_if"] is None:
                answers[q["code"]] = {"scale": q.get("scale_max"), "yes_no": True, "text": "很好",
                                      "single": (q.get("options") or [{}])[0].get("code"),
                                      "multi": [(q.get("options") or [{}])[0].get("code")]}[q["type"]]
        self.assertStatus(anon.post("/api/v1/public/surveys/" + token, {"answers": answers}), 201)
        self.assertProblem(anon.post("/api/v1/public/surveys/" + token, {"answers": answers}), 409,
                           "callbacks.survey_answered")
        t = self.c.get("/api/v1/callbacks/%d" % task["id"]).body
        self.assertEqual((t["state"], t["channel"]), ("done", "email"), "answered through the email link")
        self.assertEqual(len(self.mail.delivered("zheng")), 1, "sent once")

    def test_refusals_are_422_in_both_languages_and_change_nothing(self):
        self.set_clock(bj(2026, 11, 11, 10, 0))
        no_email = self.task_for("钱多多", gender="male")
        # Email consent is its own flag: no email, though texts are fine.
        refused = self.task_for("孙莉", email="sun@kefu.test", may_text=True, may_email=False)
        en = self.server.login("em_agent", PASSWORD, lang="en")
        audit_before = self.admin.audit_count()
        r = self.send(no_email["id"], expect=422)
        self.assertProblem(r, 422, "callbacks.no_email")
        self.assertIn("没有电子邮箱", r.body["detail"])
        self.assertEqual([(e["field"], e["code"]) for e in r.body["errors"]], [("channel", "callbacks.no_email")])
        r = self.send(no_email["id"], expect=422, client=en)
        self.assertProblem(r, 422, "callbacks.no_email")
        self.assertIn("no email address", r.body["detail"])
        r = self.send(refused["id"], expect=422)
        self.assertProblem(r, 422, "callbacks.no_email_consent")
        r = self.send(refused["id"], expect=422, client=en)
        self.assertIn("does not accept email", r.body["detail"])
        r = self.send(no_email["id"], channel="fax", expect=422)
        self.assertProblem(r, 422, "validation.failed")
        self.assertEqual([e["field"] for e in r.body["errors"]], ["channel"])
        for t in (no_email, refused):
            self.assertEqual(self.messages(t["id"]), [])
            self.assertIsNone(self.c.get("/api/v1/callbacks/%d" % t["id"]).body.get("link_sent_at"))
        self.assertEqual(self.admin.audit_count(), audit_before)
        self.assertEqual(self.mail.delivered("sun"), [])

    def test_email_consent_apart_from_sms_consent(self):
        self.set_clock(bj(2026, 11, 11, 10, 0))
        # No texts, but email is welcome: the link goes by email.
        task = self.task_for("周雪", email="zhou@kefu.test", may_text=False, may_email=True)
        self.send(task["id"])
        self.wait_message(task["id"], lambda m: m["state"] == "sent")
        self.assertEqual(len(self.mail.wait_for("zhou")), 1)
        # ... and by SMS it is refused on the text consent, not the email one.
        r = self.c.post("/api/v1/callbacks/%d/survey-link" % task["id"], {"channel": "sms"})
        self.assertProblem(r, 409, "callbacks.no_text_consent")
        # The flag is the customer's own: edited through the customer API like the others.
        cid = task["customer_id"]
        r = self.admin.patch("/api/v1/customers/%d" % cid, {"may_email": False})
        self.assertStatus(r, 200)
        self.assertEqual((r.body["may_text"], r.body["may_email"]), (False, False))
        self.assertProblem(self.send(task["id"], expect=422), 422, "callbacks.no_email_consent")

    def test_recipient_refused_by_postfix_fails_with_its_reply(self):
        self.set_clock(bj(2026, 11, 11, 10, 0))
        task = self.task_for("赵敏", email="nobody@kefu.test")
        self.send(task["id"])
        m = self.wait_message(task["id"], lambda m: m["state"] == "failed")
        # the admin sees Postfix's own words
        seen = self.messages(task["id"], client=self.admin)[-1]
        self.assertEqual(seen["state"], "failed")
        self.assertIn("550", seen["error"])
        self.assertIn("User unknown in virtual mailbox table", seen["error"])
        self.assertEqual(m["tries"], 0, "a 5xx is final: no retry")

    def test_postfix_down_requeues_then_sends_once(self):
        self.set_clock(bj(2026, 11, 11, 10, 0))
        task = self.task_for("王芳", email="wang@kefu.test")
        self.mail.stop()
        try:
            self.send(task["id"])
            m = self.wait_message(task["id"], lambda m: m["tries"] >= 1)
            self.assertEqual(m["state"], "queued", "not failed: the server never had it")
            self.assertIn("connect", m["error"])
            # the first retry waits a minute (the test clock runs on from where it was set)
            self.assertTrue(MINUTE <= m["send_after"] - m["created_at"] < MINUTE + 10000, m)
            time.sleep(1)  # the sender polls every 100 ms: it must not try before the retry is due
            self.assertEqual(self.messages(task["id"])[-1]["tries"], 1)
        finally:
            self.mail.start()
        self.assertEqual(self.mail.delivered("wang"), [])
        r = self.admin.post("/api/v1/test/clock", {"advance_ms": MINUTE + 1000})
        self.assertStatus(r, 200)
        m = self.wait_message(task["id"], lambda m: m["state"] == "sent")
        self.assertEqual((m["tries"], m["error"]), (1, ""))
        got = self.mail.wait_for("wang")
        time.sleep(1)
        self.assertEqual(len(self.mail.delivered("wang")), 1, "sent once")
        self.assertEqual(len(self.messages(task["id"])), 1)
        self.assertEqual(str(got[0]["Subject"]), "【杭州西湖4S店】诚邀您评价本次服务")

    def test_email_waits_for_quiet_hours(self):
        self.set_clock(bj(2026, 11, 12, 10, 0))
        task = self.task_for("周洁", email="zhao@kefu.test")
        self.set_clock(bj(2026, 11, 12, 22, 0))  # the company's window: 21:00–09:00
        self.send(task["id"])
        m = self.messages(task["id"])[-1]
        self.assertEqual((m["state"], m["send_after"]), ("held", bj(2026, 11, 13, 9, 0)))
        time.sleep(1)
        self.assertEqual(self.mail.delivered("zhao"), [])
        self.set_clock(bj(2026, 11, 13, 9, 1))
        self.wait_message(task["id"], lambda m: m["state"] == "sent")
        self.assertEqual(len(self.mail.wait_for("zhao")), 1)


if __name__ == "__main__":
    unittest.main()
