"""19.0.1.1.0: the income figures move from res_partner to customer.income.trend.

The new table is filled from the income records (the source of the figures,
with the stable band in force), then the stale res_partner columns and their
indexes are dropped: the partner rows no longer carry the income figures.
"""

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL
from odoo.tools.sql import column_exists

OLD_COLUMNS = (
    "income_amount",
    "income_currency_id",
    "income_trend",
    "income_trend_pct",
)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["customer.income.trend"]._recompute_all()
    for column in OLD_COLUMNS:
        if column_exists(cr, "res_partner", column):
            cr.execute(
                SQL("ALTER TABLE res_partner DROP COLUMN %s", SQL.identifier(column))
            )
