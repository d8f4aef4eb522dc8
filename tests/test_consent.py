import json
from datetime import date, datetime, timedelta
from http import HTTPStatus

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, get_db_name, new_test_user, tagged
from odoo.tools import mute_logger

from .common import (
    AGENT_GROUPS,
    MANAGER_GROUPS,
    OfferCommon,
    PortfolioCommon,
    PortfolioTourCase,
)

BIRTHDAY = date(2026, 5, 10)


@tagged("post_install", "-at_install")
class TestConsent(OfferCommon):
    def _mails(self, offers):
        return self.env["mail.mail"].search(
            [("model", "=", "customer.offer"), ("res_id", "in", offers.ids)]
        )

    def _require_consent(self, required=True):
        settings = self.env["res.config.settings"].create(
            {"portfolio_offer_consent_required": required}
        )
        settings.execute()

    def test_consent_date_filled_and_tracked(self):
        with self.mock_datetime_and_now(datetime(2026, 3, 1, 10)):
            self.client_a.with_user(self.agent_a).write(
                {"offer_consent": "granted", "offer_consent_source": "Signed form"}
            )
        self.assertEqual(self.client_a.offer_consent_date, datetime(2026, 3, 1, 10))
        given = datetime(2025, 12, 24, 9)
        client = self.env["res.partner"].create(
            {
                "name": "Consenting",
                "portfolio_id": self.portfolio_a.id,
                "offer_consent": "granted",
                "offer_consent_date": given,
            }
        )
        self.assertEqual(client.offer_consent_date, given)
        self.assertFalse(self.client_b.offer_consent_date)
        self.assertEqual(
            (self.client_b.offer_consent, self.client_b.offer_channel),
            ("unknown", "email"),
        )
        # writing the same consent back (an import, a merge) keeps its date;
        # a copy of the client has given no consent
        self.client_a.write({"offer_consent": "granted"})
        self.assertEqual(self.client_a.offer_consent_date, datetime(2026, 3, 1, 10))
        self.assertEqual(self.client_a.copy().offer_consent, "unknown")

    def test_consent_setting_off_by_default(self):
        self.assertFalse(
            self.env["res.config.settings"].create({}).portfolio_offer_consent_required
        )
        self._require_consent()
        self.assertEqual(
            self.env["ir.config_parameter"].get_param(
                "customer_portfolio.offer_consent_required"
            ),
            "True",
        )
        form = Form(self.env["res.config.settings"])
        self.assertTrue(form.portfolio_offer_consent_required)

    def test_offer_channels(self):
        partners = self.client_a | self.client_b
        self.assertEqual(
            partners._get_offer_channels(),
            {self.client_a.id: "email", self.client_b.id: "email"},
        )
        self._require_consent()
        self.client_a.offer_consent = "granted"
        self.assertEqual(
            partners._get_offer_channels(),
            {self.client_a.id: "email", self.client_b.id: "phone"},
        )
        self.client_a.email = False
        self.client_b.offer_channel = "none"
        self.assertEqual(
            partners._get_offer_channels(),
            {self.client_a.id: "phone", self.client_b.id: "none"},
        )

    def test_consent_required_no_email_without_granted_consent(self):
        self._require_consent()
        self.client_a.offer_consent = "granted"
        self.client_b.offer_consent = "withdrawn"
        offers = self.Offer.generate_offers(BIRTHDAY)
        offer_a = offers.filtered(lambda o: o.partner_id == self.client_a)
        offer_b = offers.filtered(lambda o: o.partner_id == self.client_b)
        self.assertEqual(self._mails(offer_a).recipient_ids, self.client_a)
        self.assertEqual(offer_a.state, "sent")
        self.assertFalse(self._mails(offer_b))
        self.assertEqual(offer_b.state, "draft")
        self.assertEqual(offer_b.activity_ids.user_id, self.agent_b)
        # sending it by hand is refused too
        with self.assertRaisesMessage(UserError, "call them"):
            offer_b.with_user(self.agent_b).action_send()

    def test_consent_not_required_unknown_consent_emailed(self):
        offers = self.Offer.generate_offers(BIRTHDAY)
        self.assertEqual(
            self._mails(offers).recipient_ids, self.client_a | self.client_b
        )

    def test_phone_channel_gets_call_not_email(self):
        self.client_a.offer_channel = "phone"
        offers = self.Offer.generate_offers(BIRTHDAY)
        offer = offers.filtered(lambda o: o.partner_id == self.client_a)
        self.assertEqual(offer.state, "draft")
        self.assertFalse(self._mails(offer))
        call = offer.activity_ids
        self.assertEqual(
            call.activity_type_id, self.env.ref("mail.mail_activity_data_call")
        )
        self.assertEqual((call.user_id, call.date_deadline), (self.agent_a, BIRTHDAY))
        # the call is on the agent's Today and in their digest
        with self.mock_datetime_and_now(datetime(2026, 5, 10, 9)):
            today = (
                self.env["customer.portfolio.today"]
                .with_user(self.agent_a)
                .get_dashboard()
            )
        calls = next(s for s in today["sections"] if s["name"] == "calls")
        self.assertIn(call.id, [line["activity_id"] for line in calls["lines"]])
        digest = self.env["mail.activity"].search(
            [
                ("user_id", "=", self.agent_a.id),
                (
                    "activity_type_id",
                    "=",
                    self.env.ref(
                        "customer_portfolio.mail_activity_type_offer_digest"
                    ).id,
                ),
            ]
        )
        self.assertIn("go by phone", str(digest.note))
        # client B, by email, is not affected
        offer_b = offers.filtered(lambda o: o.partner_id == self.client_b)
        self.assertEqual(offer_b.state, "sent")
        self.assertFalse(offer_b.activity_ids)

    def test_phone_channel_uses_template_activity_type(self):
        todo = self.env.ref("mail.mail_activity_data_todo")
        self.birthday.activity_type_id = todo
        self.client_a.offer_channel = "phone"
        offers = self.Offer.generate_offers(BIRTHDAY)
        offer = offers.filtered(lambda o: o.partner_id == self.client_a)
        self.assertEqual(offer.activity_ids.activity_type_id, todo)
        self.assertEqual(len(offer.activity_ids), 1)

    def test_channel_none_gets_no_offer(self):
        self.client_a.offer_channel = "none"
        offers = self.Offer.generate_offers(BIRTHDAY)
        self.assertEqual(offers.partner_id, self.client_b)

    def test_offer_email_carries_unsubscribe_link(self):
        offers = self.Offer.generate_offers(BIRTHDAY)
        offer = offers.filtered(lambda o: o.partner_id == self.client_a)
        url = self.client_a.offer_unsubscribe_url
        self.assertIn(
            f"/customer_portfolio/unsubscribe/{self.client_a.id}/", url, "signed link"
        )
        mail = self._mails(offer)
        self.assertIn(url, mail.body_html)
        self.assertNotEqual(url, self.client_b.offer_unsubscribe_url)
        # and in the one-click unsubscribe headers mail clients show
        headers = mail._prepare_outgoing_list()[0]["headers"]
        self.assertEqual(headers["List-Unsubscribe"], f"<{url}>")
        self.assertEqual(headers["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")


@tagged("post_install", "-at_install")
class TestUnsubscribe(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        agent = new_test_user(cls.env, login="unsub_agent", groups=AGENT_GROUPS)
        portfolio = cls.env["customer.portfolio"].create(
            {"name": "Unsub Book", "agent_id": agent.id}
        )
        cls.client = cls.env["res.partner"].create(
            {
                "name": "Unsub Client",
                "email": "unsub@example.com",
                "portfolio_id": portfolio.id,
                "offer_consent": "granted",
            }
        )

    def test_unsubscribe_link_withdraws_consent(self):
        url = self.client.offer_unsubscribe_url
        # following the link (as mail scanners do) only asks to confirm
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("Unsubscribe", response.text)
        self.client.invalidate_recordset()
        self.assertEqual(self.client.offer_consent, "granted")
        response = self.url_open(url, data={"confirm": "1"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("You are unsubscribed", response.text)
        self.client.invalidate_recordset()
        self.assertEqual(self.client.offer_consent, "withdrawn")
        self.assertEqual(self.client.offer_consent_source, "unsubscribe link")
        self.assertTrue(self.client.offer_consent_date)
        self.assertEqual(self.client._get_offer_channels(), {self.client.id: "phone"})
        tracking = self.client.message_ids.tracking_value_ids.filtered(
            lambda v: v.field_id.name == "offer_consent"
        )
        self.assertEqual(tracking[:1].new_value_char, "Withdrawn")

    def test_unsubscribe_link_with_wrong_token_changes_nothing(self):
        for url in (
            f"/customer_portfolio/unsubscribe/{self.client.id}/forged",
            f"/customer_portfolio/unsubscribe/{self.client.id + 1000000}/forged",
        ):
            response = self.url_open(url, data={"confirm": "1"})
            self.assertEqual(response.status_code, 404)
        self.client.invalidate_recordset()
        self.assertEqual(self.client.offer_consent, "granted")


@tagged("post_install", "-at_install")
class TestDataRequests(PortfolioCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client_a.write(
            {
                "email": "client.a@example.com",
                "phone": "+32 2 555 01 01",
                "street": "Rue Haute 1",
                "city": "Brussels",
                "zip": "1000",
                "birthdate": "1980-02-03",
                "comment": "Prefers mornings",
            }
        )
        cls.env["customer.income.record"].create(
            {"partner_id": cls.client_a.id, "date": "2025-01-01", "amount": 4200}
        )
        cls.client_a.record_life_event("new_job", date="2025-03-01", note="Engineer")
        template = cls.env["customer.offer.template"].create(
            {"name": "Coupon", "trigger": "manual", "offer_category": "coupon"}
        )
        cls.offers = cls.env["customer.offer"].create(
            [
                {"partner_id": cls.client_a.id, "template_id": template.id},
                {
                    "partner_id": cls.client_a.id,
                    "template_id": template.id,
                    "state": "accepted",
                },
            ]
        )

    def _track_consent(self):
        """Grant consent with tracking on (BaseCommon turns it off)."""
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.client_a.with_context(tracking_disable=False, mail_notrack=False).write(
            {"offer_consent": "granted", "offer_consent_source": "Signed form"}
        )
        self.env.flush_all()
        self.env.cr.precommit.run()

    def _export(self, user, client):
        action = client.with_user(user).action_export_register()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertEqual(action["url"], f"/customer_portfolio/export/{client.id}")
        content, filename = client.with_user(user)._get_register_export_file()
        self.assertEqual(filename, f"client_{client.id}_data.json")
        return json.loads(content)

    def test_export_content(self):
        self._track_consent()
        data = self._export(self.agent_a, self.client_a)
        self.assertEqual(data["client_id"], self.client_a.id)
        register = data["register"]
        self.assertEqual(register["name"], "Client A")
        self.assertEqual(register["email"], "client.a@example.com")
        self.assertEqual(register["birthdate"], "1980-02-03")
        self.assertEqual(register["portfolio_id"], "Book A")
        self.assertEqual(register["offer_consent"], "granted")
        self.assertNotIn("offer_unsubscribe_url", register)
        self.assertEqual(
            [(r["date"], r["amount"]) for r in data["income_records"]],
            [("2025-01-01", 4200.0)],
        )
        self.assertEqual(data["life_events"][0]["event_type"], "new_job")
        self.assertEqual(data["life_events"][0]["note"], "Engineer")
        self.assertEqual(
            sorted(o["coupon_code"] for o in data["offers"]),
            sorted(self.offers.mapped("coupon_code")),
        )
        changes = {(c["field"], c["new_value"]) for c in data["consent_history"]}
        self.assertIn(("offer_consent", "Granted"), changes)
        self.assertIn(("offer_consent_source", "Signed form"), changes)
        self.assertEqual(data["agent_history"], [])
        if "customer.holding" in self.env:
            self.assertEqual(data["holdings"], [])

    def test_export_access(self):
        self.assertEqual(
            self._export(self.manager, self.client_a)["register"]["name"], "Client A"
        )
        with self.assertRaises(AccessError):
            self.client_a.with_user(self.agent_b).action_export_register()
        with self.assertRaises(AccessError):
            self.client_a.with_user(self.agent_b)._get_register_export_file()
        # a contact in no portfolio: readable by agents, but not theirs to export
        contact = self.env["res.partner"].create({"name": "Walk-in"})
        with self.assertRaises(AccessError):
            contact.with_user(self.agent_a).action_export_register()

    def test_erasure_by_manager(self):
        self._track_consent()
        client = self.client_a
        offer_count = self.env["customer.offer"].search_count([])
        client.with_user(self.manager).action_erase_personal_data()
        client.invalidate_recordset()
        self.assertEqual(client.name, f"Erased client #{client.id}")
        self.assertFalse(client.active)
        for fname in ("email", "phone", "street", "city", "zip", "comment"):
            self.assertFalse(client[fname], fname)
        self.assertFalse(client.birthdate)
        self.assertFalse(
            self.env["customer.income.record"].search([("partner_id", "=", client.id)])
        )
        self.assertFalse(
            self.env["customer.life.event"].search([("partner_id", "=", client.id)])
        )
        self.assertFalse(client.income_amount)
        # the offers stay for the statistics, without personal data
        self.assertEqual(self.env["customer.offer"].search_count([]), offer_count)
        self.assertEqual(sorted(self.offers.mapped("state")), ["accepted", "draft"])
        self.assertFalse(any(self.offers.mapped("coupon_code")))
        self.assertEqual(self.offers.portfolio_id, self.portfolio_a)
        # the chatter is emptied, the consent history with it
        self.assertFalse(
            self.env["mail.message"].search(
                [("model", "=", "res.partner"), ("res_id", "=", client.id)]
            )
        )
        self.assertFalse(client.message_follower_ids)
        log = self.env["customer.erasure.log"].search([("partner_ref", "=", client.id)])
        self.assertEqual((log.user_id, log.partner_ref), (self.manager, client.id))
        self.assertEqual(
            log.with_user(self.manager).read(["partner_ref"])[0]["id"], log.id
        )
        # nobody edits the log by hand, agents do not even read it
        with self.assertRaises(AccessError):
            log.with_user(self.manager).write({"partner_ref": 1})
        with self.assertRaises(AccessError):
            log.with_user(self.agent_a).read(["partner_ref"])

    def test_erasure_takes_files_and_hand_entered_household(self):
        client = self.client_a
        client.write({"children_count": 2, "marital_status": "widowed"})
        attachment = self.env["ir.attachment"].create(
            {"name": "id-card.pdf", "res_model": "res.partner", "res_id": client.id}
        )
        client.with_user(self.manager).action_erase_personal_data()
        self.assertFalse(attachment.exists())
        self.assertEqual((client.children_count, client.marital_status), (0, False))

    def test_requests_are_about_clients_only(self):
        supplier = self.env["res.partner"].create({"name": "A supplier"})
        for action in ("action_export_register", "action_erase_personal_data"):
            with self.assertRaisesMessage(UserError, "is not a client"):
                getattr(supplier.with_user(self.manager), action)()
        self.assertEqual(supplier.name, "A supplier")

    def test_agent_cannot_erase(self):
        with self.assertRaises(AccessError):
            self.client_a.with_user(self.agent_a).action_erase_personal_data()
        self.client_a.invalidate_recordset()
        self.assertEqual(self.client_a.name, "Client A")
        self.assertEqual(len(self.client_a.income_record_ids), 1)


@tagged("post_install", "-at_install")
class TestDataRequestsRpc(HttpCase):
    """Export and erasure over JSON-2 and the web client's JSON-RPC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent_a = new_test_user(cls.env, login="dsr_agent_a", groups=AGENT_GROUPS)
        cls.agent_b = new_test_user(cls.env, login="dsr_agent_b", groups=AGENT_GROUPS)
        cls.manager = new_test_user(cls.env, login="dsr_manager", groups=MANAGER_GROUPS)
        book = cls.env["customer.portfolio"].create(
            {"name": "DSR A", "agent_id": cls.agent_a.id}
        )
        cls.client = cls.env["res.partner"].create(
            {"name": "DSR Client", "email": "dsr@example.com", "portfolio_id": book.id}
        )
        cls.env["customer.income.record"].create(
            {"partner_id": cls.client.id, "date": "2025-01-01", "amount": 10}
        )
        cls.keys = {
            user.login: user.with_user(user)
            .env["res.users.apikeys"]
            ._generate(
                scope="rpc",
                name="test",
                expiration_date=datetime.now() + timedelta(days=1),
            )
            for user in (cls.agent_a, cls.agent_b, cls.manager)
        }

    def json2(self, login, method):
        with mute_logger("odoo.http"):
            response = self.url_open(
                f"/json/2/res.partner/{method}",
                json={"ids": self.client.ids},
                headers={
                    "X-Odoo-Database": get_db_name(),
                    "Authorization": f"Bearer {self.keys[login]}",
                },
            )
        return response.status_code, response.json()

    def assertDenied(self, status, body):
        self.assertNotEqual(status, HTTPStatus.OK, body)
        self.assertEqual(body["name"], "odoo.exceptions.AccessError")

    def test_export_over_rpc(self):
        status, action = self.json2("dsr_agent_a", "action_export_register")
        self.assertEqual(status, HTTPStatus.OK, action)
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertDenied(*self.json2("dsr_agent_b", "action_export_register"))
        status, action = self.json2("dsr_manager", "action_export_register")
        self.assertEqual(status, HTTPStatus.OK, action)
        # the download itself checks access again
        self.authenticate("dsr_agent_a", "dsr_agent_a")
        response = self.url_open(action["url"])
        self.assertEqual(response.status_code, HTTPStatus.OK)
        self.assertIn("attachment", response.headers["Content-Disposition"])
        self.assertEqual(response.json()["register"]["email"], "dsr@example.com")
        self.authenticate("dsr_agent_b", "dsr_agent_b")
        with mute_logger("odoo.http"):
            response = self.url_open(action["url"])
        self.assertEqual(response.status_code, HTTPStatus.FORBIDDEN)
        self.assertNotIn("dsr@example.com", response.text)

    def test_erasure_over_rpc(self):
        self.assertDenied(*self.json2("dsr_agent_a", "action_erase_personal_data"))
        self.authenticate("dsr_agent_a", "dsr_agent_a")
        with mute_logger("odoo.http"):
            response = self.url_open(
                "/web/dataset/call_kw/res.partner/action_erase_personal_data",
                json={
                    "jsonrpc": "2.0",
                    "method": "call",
                    "params": {
                        "model": "res.partner",
                        "method": "action_erase_personal_data",
                        "args": [self.client.ids],
                        "kwargs": {},
                    },
                },
            )
        self.assertEqual(
            response.json()["error"]["data"]["name"], "odoo.exceptions.AccessError"
        )
        self.client.invalidate_recordset()
        self.assertEqual(self.client.name, "DSR Client")
        self.logout()
        status, body = self.json2("dsr_manager", "action_erase_personal_data")
        self.assertEqual(status, HTTPStatus.OK, body)
        self.client.invalidate_recordset()
        self.assertEqual(self.client.name, f"Erased client #{self.client.id}")
        self.assertFalse(self.client.email)
        self.assertFalse(self.client.income_record_ids)


@tagged("post_install", "-at_install")
class TestConsentUi(PortfolioTourCase):
    def test_agent_records_consent(self):
        client = self.env["res.partner"].create(
            {"name": "Tour Consent", "portfolio_id": self.portfolio.id}
        )
        self.start_tour(
            f"/odoo/res.partner/{client.id}",
            "customer_portfolio_consent_tour",
            login="tour_agent",
        )
        self.assertEqual(
            (client.offer_channel, client.offer_consent, client.offer_consent_source),
            ("phone", "granted", "Signed form"),
        )
        self.assertTrue(client.offer_consent_date)
