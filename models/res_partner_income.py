from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL

from .customer_income_trend import INCOME_TREND_COLUMNS, INCOME_TRENDS
from .res_partner import PORTFOLIO_GROUP


class ResPartner(models.Model):
    """The client's income records and the figures derived from them.

    The figures live in ``customer.income.trend`` (one narrow row per client)
    and read, search, group and sort through it.
    """

    _inherit = "res.partner"

    income_record_ids = fields.One2many(
        "customer.income.record",
        "partner_id",
        string="Income Records",
        groups=PORTFOLIO_GROUP,
    )
    income_currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_income_figures",
        search="_search_income_currency_id",
        groups=PORTFOLIO_GROUP,
    )
    income_amount = fields.Monetary(
        string="Income",
        currency_field="income_currency_id",
        compute="_compute_income_figures",
        search="_search_income_amount",
        groups=PORTFOLIO_GROUP,
        help="The latest declared income.",
    )
    income_trend = fields.Selection(
        INCOME_TRENDS,
        compute="_compute_income_figures",
        search="_search_income_trend",
        groups=PORTFOLIO_GROUP,
        help="Compares the two latest income records; within the stable band set "
        "in the settings the income is stable. Unknown with fewer than two "
        "records, a zero previous income or two different currencies.",
    )
    income_trend_pct = fields.Float(
        string="Income Change (%)",
        compute="_compute_income_figures",
        search="_search_income_trend_pct",
        groups=PORTFOLIO_GROUP,
        help="Change between the two latest income records, in percent.",
    )

    @api.depends("income_record_ids")
    def _compute_income_figures(self):
        trends = (
            self.env["customer.income.trend"]
            .sudo()
            .search_fetch(
                [("partner_id", "in", [pid for pid in self._origin.ids if pid])],
                ["partner_id", *INCOME_TREND_COLUMNS.values()],
            )
        )
        by_partner = {trend.partner_id.id: trend for trend in trends}
        for partner in self:
            trend = by_partner.get(partner._origin.id)
            partner.income_amount = trend.amount if trend else False
            partner.income_currency_id = trend.currency_id.id if trend else False
            partner.income_trend = trend.trend if trend else "unknown"
            partner.income_trend_pct = trend.change_pct if trend else 0.0

    def _search_income_figure(self, fname, operator, value):
        """A condition on an income field, as SQL on the joined trend row."""
        field = self._fields[fname]
        return Domain.custom(
            to_sql=lambda model, alias, query: field._condition_to_sql(
                fname, operator, value, model, alias, query
            )
        )

    def _search_income_amount(self, operator, value):
        return self._search_income_figure("income_amount", operator, value)

    def _search_income_currency_id(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        return self._search_income_figure("income_currency_id", operator, value)

    def _search_income_trend(self, operator, value):
        return self._search_income_figure("income_trend", operator, value)

    def _search_income_trend_pct(self, operator, value):
        return self._search_income_figure("income_trend_pct", operator, value)

    @api.model
    def _income_figure_sql(self, alias, fname, query):
        """SQL value of an income field of the partners aliased ``alias``: a
        column of their trend row, LEFT JOINed to the query (so that clients
        search, group and sort by it)."""
        column = INCOME_TREND_COLUMNS[fname]
        if query is None:
            value = SQL(
                "(SELECT %s FROM customer_income_trend WHERE partner_id = %s)",
                SQL.identifier(column),
                SQL.identifier(alias, "id"),
            )
        else:
            trend_alias = query.left_join(
                alias, "id", "customer_income_trend", "partner_id", "income"
            )
            value = SQL.identifier(trend_alias, column)
        if fname == "income_trend":
            return SQL("COALESCE(%s, 'unknown')", value)
        return value

    def _refresh_income_trend(self):
        """After income records changed: recompute, ask for a review of drops."""
        self.env["customer.income.trend"]._recompute(
            self, touch=True
        )._schedule_portfolio_activity(
            "customer_portfolio.mail_activity_type_income_review"
        )

    def _field_to_sql(self, alias, field_expr, query=None):
        """The income figures are read from the clients' trend rows, so that
        clients group and sort by them."""
        if field_expr in INCOME_TREND_COLUMNS:
            self._check_field_access(self._fields[field_expr], "read")
            return self._income_figure_sql(alias, field_expr, query)
        return super()._field_to_sql(alias, field_expr, query)
