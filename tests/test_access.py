from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import MANAGER_GROUPS, PortfolioCommon


@tagged("post_install", "-at_install")
class TestPortfolioAccess(PortfolioCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.income_b = cls.env["customer.income.record"].create(
            {"partner_id": cls.client_b.id, "date": "2024-01-01", "amount": 1000}
        )
        cls.event_b = cls.env["customer.life.event"].create(
            {
                "partner_id": cls.client_b.id,
                "date": "2024-01-01",
                "event_type": "marriage",
            }
        )
        cls.prospect = cls.env["res.partner"].create({"name": "Prospect"})

    def test_agent_sees_own_book_only(self):
        Partner = self.env["res.partner"].with_user(self.agent_a)
        visible = Partner.search([("id", "in", (self.client_a | self.client_b).ids)])
        self.assertEqual(visible, self.client_a)
        self.assertEqual(
            self.env["customer.portfolio"].with_user(self.agent_a).search([]),
            self.portfolio_a,
        )

    def test_contacts_outside_portfolios_stay_visible(self):
        prospect = self.prospect.with_user(self.agent_a)
        self.assertEqual(prospect.name, "Prospect")
        prospect.portfolio_id = self.portfolio_a
        self.assertEqual(self.prospect.portfolio_id, self.portfolio_a)

    def test_agent_cannot_read_or_write_other_book(self):
        client_b = self.client_b.with_user(self.agent_a)
        with self.assertRaises(AccessError):
            client_b.read(["name"])
        with self.assertRaises(AccessError):
            client_b.write({"client_tier": "vip"})
        with self.assertRaises(AccessError):
            self.income_b.with_user(self.agent_a).read(["amount"])
        with self.assertRaises(AccessError):
            self.income_b.with_user(self.agent_a).write({"amount": 1})
        with self.assertRaises(AccessError):
            self.event_b.with_user(self.agent_a).read(["event_type"])
        with self.assertRaises(AccessError):
            self.env["customer.income.record"].with_user(self.agent_a).create(
                {"partner_id": self.client_b.id, "date": "2024-02-01", "amount": 5}
            )
        with self.assertRaises(AccessError):
            self.portfolio_b.with_user(self.agent_a).write({"name": "Mine now"})
        self.assertEqual(self.client_b.client_tier, "standard")
        self.assertEqual(self.income_b.amount, 1000)

    def test_agent_works_on_own_clients(self):
        client = self.client_a.with_user(self.agent_a)
        client.write({"client_tier": "premium", "children_count": 2})
        record = (
            self.env["customer.income.record"]
            .with_user(self.agent_a)
            .create({"partner_id": client.id, "date": "2024-03-01", "amount": 42000})
        )
        self.assertEqual(client.income_record_ids, record)
        self.assertEqual(self.client_a.client_tier, "premium")

    def test_agent_cannot_create_portfolio_or_delete_other_data(self):
        with self.assertRaises(AccessError):
            self.env["customer.portfolio"].with_user(self.agent_a).create(
                {"name": "Side book", "agent_id": self.agent_a.id}
            )
        with self.assertRaises(AccessError):
            self.event_b.with_user(self.agent_a).unlink()
        self.assertTrue(self.event_b.exists())

    def test_manager_sees_everything(self):
        Partner = self.env["res.partner"].with_user(self.manager)
        clients = Partner.search([("portfolio_id", "!=", False)])
        self.assertIn(self.client_a, clients)
        self.assertIn(self.client_b, clients)
        self.income_b.with_user(self.manager).amount = 1200
        self.assertEqual(self.income_b.amount, 1200)
        self.event_b.with_user(self.manager).unlink()
        self.assertFalse(self.event_b.exists())

    def test_income_fields_need_portfolio_group(self):
        user = new_test_user(self.env, login="plain_user", groups="base.group_user")
        prospect = self.prospect.with_user(user)
        self.assertEqual(prospect.name, "Prospect")
        with self.assertRaises(AccessError):
            prospect.read(["income_record_ids"])
        with self.assertRaises(AccessError):
            self.env["customer.income.record"].with_user(user).search([])

    def test_multi_company_isolation(self):
        other_company = self.env["res.company"].create({"name": "Other Co"})
        other_manager = new_test_user(
            self.env,
            login="other_manager",
            groups=MANAGER_GROUPS,
            company_id=other_company.id,
            company_ids=[other_company.id],
        )
        other_book = self.env["customer.portfolio"].create(
            {
                "name": "Other book",
                "agent_id": other_manager.id,
                "company_id": other_company.id,
            }
        )
        other_client = self._create_client("Other client", other_book)
        income = self.env["customer.income.record"].create(
            {"partner_id": other_client.id, "date": "2024-01-01", "amount": 10}
        )
        self.assertEqual(income.company_id, other_company)
        # The main company's manager sees nothing of the other company ...
        manager_env = self.env(user=self.manager)
        self.assertFalse(
            manager_env["customer.portfolio"].search([("id", "=", other_book.id)])
        )
        self.assertFalse(
            manager_env["res.partner"].search([("id", "=", other_client.id)])
        )
        self.assertFalse(
            manager_env["customer.income.record"].search([("id", "=", income.id)])
        )
        # ... and the other company's manager nothing of the main one.
        other_env = self.env(user=other_manager)
        self.assertEqual(
            other_env["customer.portfolio"].search([]),
            other_book,
        )
        self.assertFalse(
            other_env["res.partner"].search([("id", "=", self.client_a.id)])
        )

    def test_register_analysis_fields_need_portfolio_group(self):
        user = new_test_user(self.env, login="plain_user2", groups="base.group_user")
        prospect = self.prospect.with_user(user)
        for field in ("income_trend", "income_amount", "lifecycle_stage"):
            with self.assertRaises(AccessError):
                prospect.read([field])
        with self.assertRaises(AccessError):
            prospect.record_life_event("vehicle_purchase")
        self.assertFalse(self.prospect.life_event_ids)

    def test_agent_cannot_see_other_book_trend_or_events(self):
        self.env["customer.income.record"].create(
            {"partner_id": self.client_b.id, "date": "2025-01-01", "amount": 500}
        )
        self.assertEqual(self.client_b.income_trend, "decreasing")
        Partner = self.env["res.partner"].with_user(self.agent_a)
        falling = Partner.search([("income_trend", "=", "decreasing")])
        self.assertNotIn(self.client_b, falling)
        self.assertFalse(
            self.env["customer.life.event"]
            .with_user(self.agent_a)
            .search([("partner_id", "=", self.client_b.id)])
        )
        with self.assertRaises(AccessError):
            self.event_b.with_user(self.agent_a).write({"event_type": "divorce"})
        self.assertEqual(self.client_b.marital_status, "married")
