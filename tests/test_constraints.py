from datetime import timedelta

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import PortfolioCommon


@tagged("post_install", "-at_install")
class TestRegisterConstraints(PortfolioCommon):
    def test_negative_children_count(self):
        with self.assertRaisesMessage(ValidationError, "cannot be negative"):
            self.client_a.children_count = -1

    def test_birthdate_in_future(self):
        tomorrow = fields.Date.today() + timedelta(days=1)
        with self.assertRaisesMessage(ValidationError, "is in the future"):
            self.client_a.birthdate = tomorrow

    def test_client_since_in_future(self):
        tomorrow = fields.Date.today() + timedelta(days=1)
        with self.assertRaisesMessage(ValidationError, "in the future"):
            self.client_a.client_since = tomorrow

    def test_negative_income(self):
        with self.assertRaisesMessage(ValidationError, "cannot be negative"):
            self.env["customer.income.record"].create(
                {"partner_id": self.client_a.id, "date": "2024-01-01", "amount": -5}
            )
        self.assertFalse(self.client_a.income_record_ids)

    def test_income_record_without_date(self):
        with self.assertRaisesMessage(ValidationError, "needs a date"):
            self.env["customer.income.record"].create(
                {"partner_id": self.client_a.id, "date": False, "amount": 100}
            )
        self.assertFalse(self.client_a.income_record_ids)

    def test_income_record_defaults_to_today(self):
        record = self.env["customer.income.record"].create(
            {"partner_id": self.client_a.id, "amount": 100}
        )
        self.assertEqual(record.date, fields.Date.context_today(record))
        self.assertEqual(record.currency_id, self.env.company.currency_id)

    def test_life_event_in_future(self):
        tomorrow = fields.Date.today() + timedelta(days=1)
        with self.assertRaisesMessage(ValidationError, "in the future"):
            self.env["customer.life.event"].create(
                {
                    "partner_id": self.client_a.id,
                    "date": tomorrow,
                    "event_type": "marriage",
                }
            )

    def test_target_band_must_be_ordered(self):
        with self.assertRaisesMessage(ValidationError, "target share band"):
            self.portfolio_a.write({"target_share_min": 85, "target_share_max": 80})
        with self.assertRaisesMessage(ValidationError, "target share band"):
            self.portfolio_a.target_share_max = 120
