"""Trust: writes checked on the values written, reads without side channels,
history kept, ex-clients private (issue 15)."""

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import PortfolioCommon


@tagged("post_install", "-at_install")
class TestTrust(PortfolioCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Income = cls.env["customer.income.record"]
        cls.Event = cls.env["customer.life.event"]
        cls.Offer = cls.env["customer.offer"]
        cls.income_a = cls.Income.create(
            {"partner_id": cls.client_a.id, "date": "2024-01-01", "amount": 10}
        )
        cls.event_a = cls.Event.create(
            {"partner_id": cls.client_a.id, "date": "2024-01-01", "event_type": "other"}
        )
        cls.template = cls.env["customer.offer.template"].create(
            {"name": "Manual", "trigger": "manual", "offer_category": "coupon"}
        )
        cls.offer_a = cls.Offer.create(
            {"partner_id": cls.client_a.id, "template_id": cls.template.id}
        )
        cls.missing_partner_id = (
            cls.env["res.partner"].search([], order="id desc", limit=1).id + 1000
        )

    def _denied(self, function, *args, **kwargs):
        """The AccessError message ``function`` raises."""
        with self.assertRaises(AccessError) as caught:
            function(*args, **kwargs)
        return str(caught.exception)

    # ------------------------------------------------------------
    # Writes that stay inside the rules
    # ------------------------------------------------------------

    def test_register_records_stay_on_own_clients(self):
        income = self.income_a.with_user(self.agent_a)
        event = self.event_a.with_user(self.agent_a)
        self._denied(income.write, {"partner_id": self.client_b.id})
        self._denied(event.write, {"partner_id": self.client_b.id})
        for Model in (self.Income, self.Event):
            values = {"partner_id": self.client_b.id, "date": "2024-02-01"}
            values.update(
                {"amount": 1} if Model is self.Income else {"event_type": "other"}
            )
            forbidden = self._denied(Model.with_user(self.agent_a).create, values)
            # a client that does not exist answers alike
            values["partner_id"] = self.missing_partner_id
            missing = self._denied(Model.with_user(self.agent_a).create, values)
            self.assertEqual(forbidden, missing)
        self.assertEqual(self.income_a.partner_id, self.client_a)
        self.assertEqual(self.event_a.partner_id, self.client_a)
        self.assertFalse(self.client_b.income_record_ids)
        self.assertFalse(self.client_b.life_event_ids)
        # the related company writes through to the portfolio: system field
        other = self.env["res.company"].create({"name": "Elsewhere"})
        self._denied(income.write, {"company_id": other.id})

    def test_agent_cannot_hand_a_portfolio_or_client_over(self):
        portfolio = self.portfolio_a.with_user(self.agent_a)
        message = self._denied(portfolio.write, {"agent_id": self.agent_b.id})
        self.assertIn("Only a portfolio manager", message)
        self._denied(portfolio.write, {"non_target_growing": True})
        client = self.client_a.with_user(self.agent_a)
        # the related agent would write through to the portfolio
        self._denied(client.write, {"portfolio_agent_id": self.agent_b.id})
        # and moving a client into another agent's portfolio is a transfer
        self._denied(client.write, {"portfolio_id": self.portfolio_b.id})
        self.assertEqual(self.portfolio_a.agent_id, self.agent_a)
        self.assertEqual(self.client_a.portfolio_id, self.portfolio_a)
        # what the agent may still do: edit their book and release a client
        portfolio.write({"name": "My book", "hotline_phone": "+32 2"})
        client.portfolio_id = False
        self.portfolio_a.with_user(self.manager).agent_id = self.agent_b
        self.assertEqual(self.portfolio_a.agent_id, self.agent_b)

    def test_derived_fields_are_not_for_agents(self):
        client = self.client_a.with_user(self.agent_a)
        vip = self.env.ref("customer_portfolio.customer_segment_vip")
        for values in (
            {"segment_id": vip.id},
            {"is_target_client": True},
            {"location_city_key": "x"},
        ):
            self._denied(client.write, values)
        self._denied(
            self.env["res.partner"].with_user(self.agent_a).create,
            {"name": "Self-made VIP", "portfolio_id": self.portfolio_a.id,
             "is_target_client": True},
        )  # fmt: skip
        self.assertFalse(self.client_a.is_target_client)
        # a manager may still import a segment
        self.client_a.with_user(self.manager).segment_id = vip
        self.assertEqual(self.client_a.segment_id, vip)

    def test_offer_system_fields(self):
        offer = self.offer_a.with_user(self.agent_a)
        self.assertTrue(self.offer_a.coupon_code)
        for values in (
            {"occasion_key": "birthday-2031"},
            {"coupon_code": "FREE-FREE-FREE"},
            {"agent_id": self.agent_b.id},
            {"portfolio_id": self.portfolio_b.id},
            {"state": "accepted"},
            {"partner_id": self.client_b.id},
        ):
            self._denied(offer.write, values)
        Offer = self.Offer.with_user(self.agent_a)
        self._denied(
            Offer.create,
            {"partner_id": self.client_a.id, "template_id": self.template.id,
             "state": "accepted"},
        )  # fmt: skip
        self._denied(
            Offer.create,
            {"partner_id": self.client_a.id, "template_id": self.template.id,
             "coupon_code": "MINE-MINE-MINE"},
        )  # fmt: skip
        # the state moves through the actions, which check the transition
        offer.action_accept()
        self.assertEqual(self.offer_a.state, "accepted")
        with self.assertRaises(UserError):
            offer.action_decline()
        # and the agent still makes offers by hand
        made = Offer.create(
            {"partner_id": self.client_a.id, "template_id": self.template.id}
        )
        self.assertEqual(
            (made.state, made.agent_id, made.portfolio_id),
            ("draft", self.agent_a, self.portfolio_a),
        )

    def test_offer_to_another_agents_client_is_no_oracle(self):
        Offer = self.Offer.with_user(self.agent_b)
        key = self.offer_a.occasion_key
        messages = {
            self._denied(
                Offer.create,
                {
                    "partner_id": partner_id,
                    "template_id": self.template.id,
                    "occasion_key": key,
                },
            )
            for partner_id in (self.client_a.id, self.missing_partner_id)
        } | {
            self._denied(
                Offer.create,
                {"partner_id": partner_id, "template_id": self.template.id},
            )
            for partner_id in (self.client_a.id, self.missing_partner_id)
        }
        self.assertEqual(len(messages), 1, messages)

    def test_campaign_of_another_day_is_for_managers(self):
        Offer = self.Offer.with_user(self.agent_a)
        message = self._denied(Offer.generate_offers, on_date="2031-12-11")
        self.assertIn("Only a portfolio manager", message)
        Offer.generate_offers(on_date=fields.Date.context_today(Offer))
        Offer.generate_offers()
        self.Offer.with_user(self.manager).generate_offers(on_date="2031-12-11")

    # ------------------------------------------------------------
    # Reads without side channels
    # ------------------------------------------------------------

    def test_onchange_tells_nothing_of_another_book(self):
        spec = {"partner_id": {}, "portfolio_id": {}, "agent_id": {}, "segment_id": {}}
        Offer = self.Offer.with_user(self.agent_a)
        self._denied(
            Offer.onchange, {"partner_id": self.client_b.id}, ["partner_id"], spec
        )
        own = Offer.onchange({"partner_id": self.client_a.id}, ["partner_id"], spec)
        self.assertEqual(own["value"]["agent_id"], self.agent_a.id)
        for Model in (self.Income, self.Event):
            self._denied(
                Model.with_user(self.agent_a).onchange,
                {"partner_id": self.client_b.id},
                ["partner_id"],
                {"partner_id": {}, "company_id": {}},
            )
        self._denied(
            self.env["res.partner"].with_user(self.agent_a).onchange,
            {"portfolio_id": self.portfolio_b.id},
            ["portfolio_id"],
            {"portfolio_id": {}, "portfolio_agent_id": {}},
        )

    def test_back_office_cannot_search_the_register(self):
        clerk = new_test_user(
            self.env,
            login="trust_clerk",
            groups="base.group_user,base.group_partner_manager",
        )
        Partner = self.env["res.partner"].with_user(clerk)
        for domain in (
            [("location_risk_level", "=", "high")],
            [("age", ">", 30)],
            [("days_to_birthday", "<=", 7)],
        ):
            self._denied(Partner.search, domain)
        # the income review planned on a client whose income fell
        self.Income.create(
            {"partner_id": self.client_b.id, "date": "2025-01-01", "amount": 1}
        )
        self.Income.create(
            {"partner_id": self.client_b.id, "date": "2025-06-01", "amount": 0.5}
        )
        review = self.env.ref("customer_portfolio.mail_activity_type_income_review")
        self.assertIn(review, self.client_b.activity_ids.activity_type_id)
        domain = [("id", "=", self.client_b.id)]
        self.assertFalse(
            Partner.search(domain + [("activity_type_id", "=", review.id)])
        )
        self.assertFalse(Partner.search(domain + [("activity_summary", "!=", False)]))
        self.env.invalidate_all()  # the cache is shared by all users
        client = Partner.browse(self.client_b.id)
        self.assertFalse(client.activity_type_id)
        self.assertFalse(client.activity_summary)
        # the agent and the manager find it
        for user in (self.agent_b, self.manager):
            self.assertTrue(
                self.env["res.partner"]
                .with_user(user)
                .search(domain + [("activity_type_id", "=", review.id)])
            )

    # ------------------------------------------------------------
    # History is kept
    # ------------------------------------------------------------

    def test_client_with_history_is_archived_not_deleted(self):
        with self.assertRaisesMessage(UserError, "Archive the contact instead"):
            self.client_a.unlink()
        self.assertTrue(self.offer_a.exists() and self.income_a.exists())
        # a contact without history is deleted as usual
        self.env["res.partner"].create({"name": "Typo"}).unlink()
        # one with only a life event is kept too
        with_event = self._create_client("Evented", self.portfolio_b)
        self.Event.create(
            {"partner_id": with_event.id, "date": "2024-01-01", "event_type": "other"}
        )
        with self.assertRaisesMessage(UserError, "Archive the contact instead"):
            with_event.unlink()

    def test_portfolio_with_history_is_archived_not_deleted(self):
        empty = self.env["customer.portfolio"].create(
            {"name": "Empty", "agent_id": self.agent_b.id}
        )
        empty.unlink()
        wizard = (
            self.env["customer.portfolio.transfer"]
            .with_user(self.manager)
            .create(
                {
                    "mode": "clients",
                    "partner_ids": [Command.set(self.client_b.ids)],
                    "target_portfolio_id": self.portfolio_a.id,
                }
            )
        )
        wizard.action_transfer()
        with self.assertRaisesMessage(UserError, "Archive the portfolio instead"):
            self.portfolio_b.unlink()
        self.assertEqual(len(self.client_b.agent_history_ids), 1)

    # ------------------------------------------------------------
    # Ex-clients
    # ------------------------------------------------------------

    def test_ex_client_register_is_not_for_every_agent(self):
        self.client_a.portfolio_id = False
        for user in (self.agent_a, self.agent_b):
            for records in (self.income_a, self.event_a, self.offer_a):
                with self.assertRaises(AccessError):
                    records.with_user(user).read(["partner_id"])
            self.assertFalse(
                self.Income.with_user(user).search(
                    [("partner_id", "=", self.client_a.id)]
                )
            )
        self.assertTrue(self.income_a.with_user(self.manager).read(["amount"]))
        # back in a book, the register is there again
        self.client_a.portfolio_id = self.portfolio_b
        self.assertTrue(self.income_a.with_user(self.agent_b).read(["amount"]))

    # ------------------------------------------------------------
    # Merging contacts
    # ------------------------------------------------------------

    def test_merging_two_clients_keeps_both_registers(self):
        twin = self._create_client("Client A (twin)", self.portfolio_a)
        self.Income.create(
            [
                {"partner_id": self.client_a.id, "date": "2025-01-01", "amount": 5},
                {"partner_id": twin.id, "date": "2023-01-01", "amount": 7},
            ]
        )
        twin_event = self.Event.create(
            {"partner_id": twin.id, "date": "2023-05-01", "event_type": "new_job"}
        )
        self.assertEqual(self.client_a.income_trend, "decreasing")
        # the same occasion on both: one offer is kept, the other set aside
        twin_offer = self.Offer.create(
            {
                "partner_id": twin.id,
                "template_id": self.template.id,
                "occasion_key": self.offer_a.occasion_key,
            }
        )
        twin_offer.action_accept()
        # as Odoo's merge runs it: an administrator (it reads every field)
        admin = self.env.ref("base.user_admin")
        self.env["base.partner.merge.automatic.wizard"].with_user(admin)._merge(
            (self.client_a | twin).ids, self.client_a
        )
        self.assertFalse(twin.exists())
        self.assertEqual(len(self.client_a.income_record_ids), 3)
        self.assertIn(twin_event, self.client_a.life_event_ids)
        # recomputed from all three records: 10 (2024) then 5 (2025)
        self.assertEqual(self.client_a.income_amount, 5)
        self.assertEqual(self.client_a.income_trend, "decreasing")
        self.assertEqual(
            self.env["customer.income.trend"].search_count(
                [("partner_id", "=", self.client_a.id)]
            ),
            1,
        )
        offers = self.client_a.offer_ids
        self.assertEqual(len(offers), 2)
        # the accepted offer is kept, the draft cancelled and says why
        self.assertEqual(twin_offer.state, "accepted")
        self.assertEqual(self.offer_a.state, "cancelled")
        self.assertIn("set aside", str(self.offer_a.message_ids[0].body))
