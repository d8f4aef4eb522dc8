from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import PortfolioCommon


@tagged("post_install", "-at_install")
class TestTransfer(PortfolioCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent_c = cls.env["res.users"].create(
            {
                "name": "Agent C",
                "login": "agent_c",
                "group_ids": [
                    (4, cls.env.ref("customer_portfolio.group_portfolio_agent").id)
                ],
            }
        )
        template = cls.env["customer.offer.template"].create(
            {"name": "Loan", "trigger": "manual", "offer_category": "loan"}
        )
        Offer = cls.env["customer.offer"]
        cls.open_offer = Offer.create(
            {"partner_id": cls.client_a.id, "template_id": template.id}
        )
        cls.closed_offer = Offer.create(
            {
                "partner_id": cls.client_a.id,
                "template_id": template.id,
                "state": "accepted",
            }
        )
        cls.call = cls.client_a.activity_schedule(
            "mail.mail_activity_data_call", user_id=cls.agent_a.id
        )
        cls.offer_call = cls.open_offer.activity_schedule(
            "mail.mail_activity_data_call", user_id=cls.agent_a.id
        )
        cls.someone_elses = cls.client_a.activity_schedule(
            "mail.mail_activity_data_todo", user_id=cls.manager.id
        )

    def _wizard(self, model, records, **values):
        wizard = Form(
            self.env["customer.portfolio.transfer"]
            .with_user(self.manager)
            .with_context(active_model=model, active_ids=records.ids)
        )
        for name, value in values.items():
            setattr(wizard, name, value)
        return wizard.save()

    def _transfer_note(self, portfolio):
        return portfolio.message_ids.filtered(lambda m: "moved from" in str(m.body))

    def _assert_moved(self, agent, portfolio):
        self.assertEqual(self.open_offer.agent_id, agent)
        self.assertEqual(self.open_offer.portfolio_id, portfolio)
        self.assertEqual(self.closed_offer.agent_id, self.agent_a)
        self.assertEqual((self.call | self.offer_call).user_id, agent)
        self.assertEqual(self.someone_elses.user_id, self.manager)
        # access follows the client
        self.client_a.with_user(agent).read(["name", "birthdate"])
        self.open_offer.with_user(agent).read(["state"])
        self.client_a.invalidate_recordset()
        with self.assertRaises(AccessError):
            self.client_a.with_user(self.agent_a).read(["name"])
        with self.assertRaises(AccessError):
            self.open_offer.with_user(self.agent_a).read(["state"])
        # the note is in the portfolios' chatter, not in the client's, which
        # every internal user reads
        note = self._transfer_note(portfolio)
        self.assertIn("Book A", note.body)
        self.assertIn(agent.name, note.body)
        self.assertIn("Client A", note.body)
        if portfolio != self.portfolio_a:
            # the book the client left learns they left, not where they went
            left = self.portfolio_a.message_ids.filtered(
                lambda m: "left this portfolio" in str(m.body)
            )
            self.assertIn("Client A", left.body)
            self.assertNotIn(portfolio.name, left.body)
            self.assertNotIn(agent.name, left.body)
        self.assertFalse(
            self.client_a.message_ids.filtered(lambda m: "Book A" in str(m.body))
        )
        history = self.client_a.agent_history_ids
        self.assertEqual(len(history), 1)
        self.assertEqual(history.previous_agent_id, self.agent_a)
        self.assertEqual(history.agent_id, agent)
        self.assertEqual(history.portfolio_id, portfolio)
        self.assertEqual(
            history.with_user(agent).search([("id", "=", history.id)]), history
        )

    def test_whole_portfolio(self):
        wizard = self._wizard(
            "customer.portfolio", self.portfolio_a, new_agent_id=self.agent_c
        )
        self.assertEqual(wizard.mode, "portfolio")
        self.assertEqual(wizard.portfolio_id, self.portfolio_a)
        wizard.note = "Agent A retires"
        wizard.action_transfer()
        self.assertEqual(self.portfolio_a.agent_id, self.agent_c)
        self._assert_moved(self.agent_c, self.portfolio_a)
        self.assertIn("Agent A retires", self._transfer_note(self.portfolio_a).body)
        handover = self.portfolio_a.agent_history_ids.filtered(
            lambda h: not h.partner_id
        )
        self.assertEqual(handover.previous_agent_id, self.agent_a)

    def test_selected_clients(self):
        other = self._create_client("Stays", self.portfolio_a)
        wizard = self._wizard(
            "res.partner", self.client_a, target_portfolio_id=self.portfolio_b
        )
        self.assertEqual(wizard.mode, "clients")
        self.assertEqual(wizard.partner_ids, self.client_a)
        wizard.action_transfer()
        self.assertEqual(self.client_a.portfolio_id, self.portfolio_b)
        self.assertEqual(other.portfolio_id, self.portfolio_a)
        self._assert_moved(self.agent_b, self.portfolio_b)

    def test_same_agent_refused(self):
        wizard = self._wizard(
            "customer.portfolio", self.portfolio_a, new_agent_id=self.agent_a
        )
        with self.assertRaisesMessage(UserError, "already owns"):
            wizard.action_transfer()

    def test_managers_only(self):
        with self.assertRaises(AccessError):
            self.env["customer.portfolio.transfer"].with_user(self.agent_a).create(
                {"mode": "portfolio", "portfolio_id": self.portfolio_a.id}
            )
