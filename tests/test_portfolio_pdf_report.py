from datetime import date

from odoo.tests import freeze_time, tagged

from .common import PortfolioCommon

REPORT = "customer_portfolio.action_report_customer_portfolio"


@tagged("post_install", "-at_install")
@freeze_time("2027-12-29")
class TestPortfolioReport(PortfolioCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client_a.write(
            {"birthdate": "1980-01-05", "client_tier": "vip", "phone": "+1 555 0199"}
        )
        cls.agent_a.write({"email": "agent.a@example.com", "phone": "+1 555 0142"})
        template = cls.env["customer.offer.template"].create(
            {"name": "Year-end loan", "trigger": "manual", "offer_category": "loan"}
        )
        cls.env["customer.offer"].create(
            {"partner_id": cls.client_a.id, "template_id": template.id}
        )

    def _render(self, lang_code):
        lang = self.env["res.lang"]._activate_lang(lang_code)
        self.agent_a.lang = lang_code
        html, __ = self.env["ir.actions.report"]._render_qweb_html(
            REPORT, self.portfolio_a.ids
        )
        return lang, html.decode()

    def test_report_content(self):
        __, html = self._render("en_US")
        for text in (
            "Book A",
            "Client A",
            "VIP",
            "Year-end loan",
            "+1 555",  # the hotline
            "agent.a@example.com",
            "+1 555 0142",
            "12/29/2027",
            "01/05/2028",  # the next birthday
        ):
            self.assertIn(text, html)

    def test_report_in_each_language(self):
        """The report renders in the agent's language, with its date format."""
        for lang_code in ("fr_FR", "de_DE", "pt_BR", "ro_RO", "fi_FI"):
            with self.subTest(lang=lang_code):
                lang, html = self._render(lang_code)
                printed = date(2027, 12, 29).strftime(lang.date_format)
                self.assertIn(printed, html)
                self.assertNotIn("12/29/2027", html)
                self.assertIn("Client A", html)
