from datetime import date

from lxml import etree

from odoo.tests import freeze_time, new_test_user, tagged

from .common import PortfolioCommon


@tagged("post_install", "-at_install")
class TestClientGlance(PortfolioCommon):
    """The register at a glance in the client list, cards and form."""

    def _arch(self, user, view_type, action=None):
        Partner = self.env["res.partner"].with_user(user)
        view_id = False
        if action:
            action = self.env.ref(f"customer_portfolio.{action}")
            view_id = action.view_ids.filtered(
                lambda v: v.view_mode == view_type
            ).view_id.id
        views = Partner.get_views([(view_id, view_type)])
        return etree.fromstring(views["views"][view_type]["arch"])

    def _shown_columns(self, arch):
        return {
            f.get("name")
            for f in arch.xpath("/list/field")
            if f.get("optional") != "hide"
            and f.get("column_invisible") not in ("1", "True")
        }

    def test_list_shows_the_register(self):
        arch = self._arch(self.agent_a, "list", "res_partner_action_portfolio_clients")
        expected = {
            "client_tier",
            "lifecycle_stage",
            "income_trend_pct",
            "days_to_birthday",
            "segment_id",
            "is_target_client",
            "location_risk_level",
        }
        self.assertLessEqual(expected, self._shown_columns(arch))
        self.assertNotIn("portfolio_agent_id", self._shown_columns(arch))
        manager_arch = self._arch(
            self.manager, "list", "res_partner_action_portfolio_clients"
        )
        self.assertIn("portfolio_agent_id", self._shown_columns(manager_arch))

    def test_contacts_list_unchanged(self):
        """Odoo's contact list keeps the register columns optional."""
        arch = self._arch(self.agent_a, "list")
        self.assertNotIn("client_tier", self._shown_columns(arch))

    def test_card_reaches_the_client(self):
        arch = self._arch(
            self.agent_a, "kanban", "res_partner_action_portfolio_clients"
        )
        hrefs = {a.get("t-attf-href", "") for a in arch.iter("a")}
        self.assertIn("tel:{{record.phone.raw_value}}", hrefs)
        self.assertIn("mailto:{{record.email.raw_value}}", hrefs)
        names = {f.get("name") for f in arch.iter("field")}
        self.assertLessEqual(
            {"client_tier", "lifecycle_stage", "income_trend_pct", "segment_id"}, names
        )

    def test_plain_user_opens_contacts(self):
        """Users outside the portfolio groups still open contacts: no register
        field reaches them."""
        plain = new_test_user(self.env, login="plain_glance", groups="base.group_user")
        for view_type in ("form", "list", "kanban"):
            arch = self._arch(plain, view_type)
            names = {f.get("name") for f in arch.iter("field")}
            self.assertNotIn("client_tier", names, view_type)
            self.assertNotIn("days_to_birthday", names, view_type)
        self.env["res.partner"].with_user(plain).search([], limit=5).read(["name"])

    def test_form_register_first_with_badges(self):
        arch = self._arch(self.agent_a, "form")
        pages = arch.xpath("//sheet/notebook/page")
        self.assertEqual(pages[0].get("name"), "portfolio")
        glance = arch.xpath("//div[@name='portfolio_glance']")
        self.assertTrue(glance)
        names = {f.get("name") for f in glance[0].iter("field")}
        self.assertLessEqual(
            {
                "client_tier",
                "lifecycle_stage",
                "income_trend_pct",
                "location_risk_level",
                "days_to_birthday",
                "days_to_anniversary",
            },
            names,
        )

    @freeze_time("2027-06-10")
    def test_days_to_anniversary(self):
        self.client_a.client_since = "2020-06-12"
        self.client_b.client_since = "2027-06-10"
        self.assertEqual(self.client_a.days_to_anniversary, 2)
        self.assertEqual(self.client_b.days_to_anniversary, -1)
        self.client_b.client_since = date(2020, 2, 29)
        self.assertEqual(self.client_b.days_to_anniversary, 264)  # 29 Feb 2028
