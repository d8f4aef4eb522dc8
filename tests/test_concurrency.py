"""Concurrent transactions on the same clients, on real cursors."""

import psycopg2.errors

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestIncomeTrendConcurrency(TransactionCase):
    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            partner = env["res.partner"].create({"name": "Two editors"})
            records = env["customer.income.record"].create(
                [
                    {"partner_id": partner.id, "date": day, "amount": 100}
                    for day in ("2020-01-01", "2022-01-01", "2025-01-01")
                ]
            )
            self.assertEqual(partner.income_trend, "stable")
            self.partner_id, self.record_ids = partner.id, records.ids
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            api.Environment(cr, SUPERUSER_ID, {})["res.partner"].browse(
                self.partner_id
            ).unlink()

    def _env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {})

    def test_no_trend_from_a_stale_snapshot(self):
        """One user moves a record, another adds one at the same time: the
        second cannot commit a trend that ignores the first one's change."""
        with self.registry.cursor() as cr2:
            env2 = self._env(cr2)
            env2.cr.execute("SELECT 1")  # the second transaction's snapshot
            with self.registry.cursor() as cr1:
                # still the previous record: the trend does not change
                self._env(cr1)["customer.income.record"].browse(
                    self.record_ids[1]
                ).date = "2021-01-01"
            Income = env2["customer.income.record"]
            with (
                self.assertRaises(psycopg2.errors.SerializationFailure),
                mute_logger("odoo.sql_db"),
            ):
                Income.create(
                    {"partner_id": self.partner_id, "date": "2021-06-01", "amount": 200}
                )
            cr2.rollback()
            # retried, as Odoo retries a request failing this way
            env2 = self._env(cr2)
            env2["customer.income.record"].create(
                {"partner_id": self.partner_id, "date": "2021-06-01", "amount": 200}
            )
            partner = env2["res.partner"].browse(self.partner_id)
            self.assertEqual(partner.income_trend, "decreasing")
            self.assertEqual(partner.income_trend_pct, -50)
