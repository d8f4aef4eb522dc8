from datetime import date, datetime

from odoo.exceptions import UserError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from .common import AGENT_GROUPS
from .test_offers import OfferCommon

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
                self.env["customer.portfolio.today"].with_user(self.agent_a).create({})
            )
            self.assertIn(call, today.activity_ids)
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
        self.assertIn(url, self._mails(offer).body_html)
        self.assertNotEqual(url, self.client_b.offer_unsubscribe_url)


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
