from pathlib import Path

import polib
from lxml import html as lxml_html

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import PortfolioCommon

I18N_DIR = Path(__file__).resolve().parent.parent / "i18n"
LANGUAGES = {  # Odoo language code: .po file
    "fr_FR": "fr",
    "de_DE": "de",
    "pt_BR": "pt_BR",
    "pt_PT": "pt",
    "ro_RO": "ro",
    "fi_FI": "fi",
}


def po_translation(po, occurrence):
    """The translation of the entry exported from ``occurrence``."""
    for entry in po:
        if any(place == occurrence for place, _line in entry.occurrences):
            return entry.msgid, entry.msgstr
    raise AssertionError(f"no entry for {occurrence}")


def static_paragraphs(body):
    """Texts of the paragraphs of an email body that hold no QWeb directive."""
    root = lxml_html.fromstring(body)
    return [
        paragraph.text_content().strip()
        for paragraph in root.iter("p")
        if not len(paragraph) and not any(a.startswith("t-") for a in paragraph.attrib)
    ]


def po_code_translation(po, msgid):
    entry = po.find(msgid)
    if not entry:
        raise AssertionError(f"no entry for {msgid!r}")
    return entry.msgstr


@tagged("post_install", "-at_install")
class TestTranslations(PortfolioCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code in LANGUAGES:
            cls.env["res.lang"]._activate_lang(code)
        cls.env["ir.module.module"]._load_module_terms(
            ["customer_portfolio"], list(LANGUAGES), overwrite=True
        )
        cls.po = {
            code: polib.pofile(str(I18N_DIR / f"{po_name}.po"))
            for code, po_name in LANGUAGES.items()
        }

    def test_menus_and_labels_are_translated(self):
        root = self.env.ref("customer_portfolio.customer_portfolio_menu_root")
        for code, po in self.po.items():
            with self.subTest(lang=code):
                _source, menu_name = po_translation(
                    po,
                    "model:ir.ui.menu,name:customer_portfolio.customer_portfolio_menu_root",
                )
                self.assertEqual(root.with_context(lang=code).name, menu_name)
                fields = (
                    self.env["res.partner"]
                    .with_context(lang=code)
                    .fields_get(
                        ["income_trend", "lifecycle_stage"], ["string", "selection"]
                    )
                )
                _source, label = po_translation(
                    po,
                    "model:ir.model.fields,field_description:"
                    "customer_portfolio.field_res_partner__income_trend",
                )
                self.assertEqual(fields["income_trend"]["string"], label)
                _source, retired = po_translation(
                    po,
                    "model:ir.model.fields.selection,name:"
                    "customer_portfolio.selection__res_partner__lifecycle_stage__retired",
                )
                self.assertIn(
                    ("retired", retired), fields["lifecycle_stage"]["selection"]
                )
                self.assertNotEqual(retired, "Retired")

    def test_error_messages_are_translated(self):
        source = "The number of children of %(client)s cannot be negative."
        for code, po in self.po.items():
            with self.subTest(lang=code):
                client = self.client_a.with_context(lang=code)
                with self.assertRaises(ValidationError) as error:
                    client.children_count = -1
                expected = po_code_translation(po, source) % {
                    "client": client.display_name
                }
                self.assertEqual(str(error.exception.args[0]), expected)

    def test_offer_email_in_client_language(self):
        template = self.env.ref("customer_portfolio.offer_template_birthday_credit")
        mail_template = self.env.ref("customer_portfolio.mail_template_offer_birthday")
        for code, po in self.po.items():
            with self.subTest(lang=code):
                client = self._create_client(
                    f"Client {code}", self.portfolio_a, lang=code, email="c@example.com"
                )
                offer = self.env["customer.offer"].create(
                    {"partner_id": client.id, "template_id": template.id}
                )
                rendered = mail_template._generate_template(
                    offer.ids, ["subject", "body_html"]
                )[offer.id]
                subject = po_code_translation(
                    po, "Happy birthday, {{ object.partner_id.name }}!"
                ).replace("{{ object.partner_id.name }}", client.name)
                self.assertEqual(rendered["subject"], subject)
                body = str(rendered["body_html"])
                _source, translated_body = po_translation(
                    po,
                    "model:mail.template,body_html:"
                    "customer_portfolio.mail_template_offer_birthday",
                )
                paragraphs = static_paragraphs(translated_body)
                self.assertTrue(paragraphs)
                for paragraph in paragraphs:
                    self.assertIn(paragraph, body)
                self.assertNotIn("With my best wishes", body)
                self.assertIn(
                    template.with_context(lang=code).name, str(rendered["body_html"])
                )
