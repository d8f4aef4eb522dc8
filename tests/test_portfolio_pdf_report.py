import shutil
import subprocess
from datetime import date

from odoo.tests import freeze_time, tagged

from .common import PortfolioCommon

REPORT = "customer_portfolio.action_report_customer_portfolio"


class PortfolioReportCommon(PortfolioCommon):
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


@tagged("post_install", "-at_install")
@freeze_time("2027-12-29")
class TestPortfolioReport(PortfolioReportCommon):
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


@tagged("post_install", "-at_install")
@freeze_time("2027-12-29")
class TestPortfolioPdf(PortfolioReportCommon):
    """The report printed as a PDF by wkhtmltopdf, read back with pdftotext."""

    def setUp(self):
        super().setUp()
        if self.env["ir.actions.report"].get_wkhtmltopdf_state() != "ok":
            self.skipTest(
                "wkhtmltopdf is not installed: scripts/test.sh installs it "
                "(apt-get install wkhtmltopdf)"
            )
        self.assertTrue(
            shutil.which("pdftotext"),
            "pdftotext is missing: apt-get install poppler-utils",
        )

    def _pdf_text(self, lang_code):
        self.env["res.lang"]._activate_lang(lang_code)
        self.env["ir.module.module"]._load_module_terms(
            ["customer_portfolio"], [lang_code], overwrite=True
        )
        self.agent_a.lang = lang_code
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        pdf, kind = Report._render_qweb_pdf(REPORT, self.portfolio_a.ids)
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        text = subprocess.run(
            ["pdftotext", "-layout", "-", "-"],
            input=pdf,
            capture_output=True,
            check=True,
        ).stdout.decode()
        return " ".join(text.split())

    def test_pdf_in_two_languages(self):
        for lang_code, expected, absent in (
            ("en_US", ["Your agent", "Open offers", "12/29/2027"], "Votre agent"),
            ("fr_FR", ["Votre agent", "Offres en cours", "29/12/2027"], "Your agent"),
        ):
            with self.subTest(lang=lang_code):
                text = self._pdf_text(lang_code)
                for fragment in [
                    "Book A",
                    "Client A",
                    "Year-end loan",
                    "agent.a@example.com",
                    *expected,
                ]:
                    self.assertIn(fragment, text)
                self.assertNotIn(absent, text)
