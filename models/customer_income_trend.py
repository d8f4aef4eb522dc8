from odoo import fields, models

INCOME_TRENDS = [
    ("increasing", "Increasing"),
    ("stable", "Stable"),
    ("decreasing", "Decreasing"),
    ("unknown", "Unknown"),
]


class CustomerIncomeTrend(models.Model):
    """A client's income figures, derived from their income records.

    One narrow row per client with income records, written in SQL only by
    ``res.partner._recompute_income_trend`` and ``_reclassify_income_trends``:
    keeping them out of res_partner means a recompute rewrites small rows,
    never the wide, heavily indexed partner rows. The client's fields
    ``income_amount``, ``income_trend``... read, search, group and sort
    through this table.
    """

    _name = "customer.income.trend"
    _description = "Income Trend"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", string="Client", required=True, ondelete="cascade"
    )
    amount = fields.Monetary(
        string="Income", currency_field="currency_id", readonly=True
    )
    currency_id = fields.Many2one("res.currency", readonly=True)
    # the unrounded inputs of the trend, so that a new stable band reclassifies
    # every client without reading their income records again
    previous_amount = fields.Monetary(
        string="Previous Income", currency_field="currency_id", readonly=True
    )
    change_pct = fields.Float(string="Income Change (%)", readonly=True)
    trend = fields.Selection(
        INCOME_TRENDS, string="Income Trend", required=True, readonly=True
    )

    _partner_uniq = models.UniqueIndex("(partner_id)")
