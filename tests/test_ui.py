import unittest
from datetime import date, timedelta
from unittest.mock import PropertyMock, patch

from dateutil.relativedelta import relativedelta

from odoo.tests import new_test_user, tagged
from odoo.tests.common import ChromeBrowser

from .common import AGENT_GROUPS, LANGS, PortfolioTourCase


@tagged("post_install", "-at_install")
class TestUi(PortfolioTourCase):
    def test_agent_adds_client(self):
        """Agent: portfolio, new client with income records, marriage."""
        self.start_tour(
            "/odoo/portfolios", "customer_portfolio_agent_tour", login="tour_agent"
        )
        client = self.env["res.partner"].search([("name", "=", "Mia Tour")])
        self.assertEqual(client.portfolio_id, self.portfolio)
        self.assertEqual(client.birthdate, date(1996, 3, 15))
        self.assertEqual(len(client.income_record_ids), 2)
        self.assertEqual(client.income_trend, "increasing")
        self.assertEqual(client.life_event_ids.event_type, "marriage")
        self.assertEqual(client.marital_status, "married")
        self.assertEqual(client.lifecycle_stage, "couple")

    def test_manager_creates_risk_area(self):
        """Manager: a risk area by city lists the clients living there."""
        self._client("Rita Riverside", city="Tourville")
        self._client("Dora Dryland", city="Elsewhere")
        self.start_tour(
            "/odoo/risk-areas", "customer_portfolio_risk_tour", login="tour_manager"
        )
        area = self.env["customer.location.risk"].search(
            [("name", "=", "Flood in Tourville")]
        )
        self.assertEqual(area.partner_count, 1)

    def test_agent_accepts_offer(self):
        """Agent: a generated offer is accepted from the kanban."""
        client = self._client(
            "Olga Offer", email="olga@example.com", birthdate="1980-05-10"
        )
        offers = self.env["customer.offer"].generate_offers(date(2026, 5, 10))
        offers = offers.filtered(lambda o: o.partner_id == client)
        self.assertTrue(offers)
        self.start_tour(
            "/odoo/portfolio-offers",
            "customer_portfolio_offer_tour",
            login="tour_agent",
        )
        self.assertIn("accepted", offers.mapped("state"))

    def test_manager_dashboard(self):
        """Manager: the target share of the portfolios and its reports."""
        self._client("Nora Nontarget")
        self.env["customer.portfolio.snapshot"]._take_snapshot()
        self.start_tour(
            "/odoo/portfolios",
            "customer_portfolio_dashboard_tour",
            login="tour_manager",
        )

    def test_missing_browser_fails(self):
        """Without Chrome, a browser test fails instead of being skipped."""
        missing = PropertyMock(side_effect=unittest.SkipTest("Chrome not found"))
        with (
            patch.object(ChromeBrowser, "executable", missing),
            self.assertRaisesRegex(AssertionError, "could not run: Chrome not found"),
        ):
            self.browser_js("/odoo", "", login="tour_agent")


@tagged("post_install", "-at_install")
class TestUiMobile(PortfolioTourCase):
    browser_size = "375x667"
    touch_enabled = True

    def test_mobile_client_and_offer(self):
        """On a phone: edit a client's register and accept an offer."""
        client = self._client(
            "Mona Mobile", email="mona@example.com", birthdate="1996-05-10"
        )
        offers = self.env["customer.offer"].generate_offers(date(2026, 5, 10))
        self.assertTrue(offers.filtered(lambda o: o.partner_id == client))
        self.start_tour(
            "/odoo/portfolio-clients",
            "customer_portfolio_mobile_tour",
            login="tour_agent",
        )
        self.assertEqual(client.children_count, 2)
        self.assertIn("accepted", client.offer_ids.mapped("state"))


class TodayTourCase(PortfolioTourCase):
    """An agent's book with something for each section of Today."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = date.today()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.agent.tz = "UTC"
        Partner = cls.env["res.partner"].with_context(tz="UTC")
        new = {"portfolio_id": cls.portfolio.id}
        Partner.create(
            {
                **new,
                "name": "Bea Birthday",
                "phone": "+33 6 12 34 56 78",
                "email": "bea@example.com",
                "birthdate": today - relativedelta(years=40, days=-2),
            }
        )
        ivan = Partner.create({**new, "name": "Ivan Income"})
        cls.env["customer.income.record"].create(
            [
                {
                    "partner_id": ivan.id,
                    "date": today - timedelta(days=400),
                    "amount": 5000,
                },
                {
                    "partner_id": ivan.id,
                    "date": today - timedelta(days=5),
                    "amount": 4000,
                },
            ]
        )
        Partner.create({**new, "name": "Rosa Risk", "city": "Tourville"})
        cls.env["customer.location.risk"].create(
            {"name": "Flood in Tourville", "city": "Tourville", "date_start": today}
        )
        cls.carl = Partner.create({**new, "name": "Carl Call", "phone": "+33 1 00"})

    def _run_today_tours(self):
        """Both screens, in English and in French; each run marks a call done."""
        for lang in ("en_US", "fr_FR"):
            with self.subTest(lang=lang):
                self.agent.lang = lang
                call = self.carl.activity_schedule(
                    "mail.mail_activity_data_call",
                    date_deadline=date.today(),
                    user_id=self.agent.id,
                )
                self.start_tour(
                    "/odoo/portfolio-clients",
                    "customer_portfolio_clients_tour",
                    login="tour_agent",
                )
                self.start_tour(
                    "/odoo/portfolio-today",
                    "customer_portfolio_today_tour",
                    login="tour_agent",
                )
                # done: removed, or archived when its type keeps done ones
                self.env.invalidate_all()
                self.assertFalse(call.exists().active)


@tagged("post_install", "-at_install")
class TestUiToday(TodayTourCase):
    def test_today_and_clients(self):
        """Desktop: Today shows the agent's day, the clients their register."""
        self._run_today_tours()

    def test_manager_picks_an_agent(self):
        """Manager: the team's day, then one agent's."""
        other = new_test_user(
            self.env, login="other_agent", name="Other Agent", groups=AGENT_GROUPS
        )
        self.env["customer.portfolio"].create(
            {"name": "Other Book", "agent_id": other.id}
        )
        self.start_tour(
            "/odoo/portfolio-today",
            "customer_portfolio_today_manager_tour",
            login="tour_manager",
        )


@tagged("post_install", "-at_install")
class TestUiTodayMobile(TodayTourCase):
    browser_size = "375x667"
    touch_enabled = True

    def test_today_and_clients_on_a_phone(self):
        """A 375 px phone: the same day and the clients' cards."""
        self._run_today_tours()


@tagged("post_install", "-at_install")
class TestUiMenus(PortfolioTourCase):
    def test_click_every_menu_in_every_language(self):
        """Every menu and view of the app opens in each shipped language."""
        self.manager.group_ids |= self.env.ref("base.group_system")
        self._client("Carla Click", birthdate="1980-05-10")
        for code in LANGS:
            self.env["res.lang"]._activate_lang(code)
            self.manager.lang = code
            with self.subTest(lang=code):
                self.start_tour(
                    "/odoo/portfolio-clients",
                    "customer_portfolio_menus_tour",
                    login="tour_manager",
                    timeout=400,
                )
