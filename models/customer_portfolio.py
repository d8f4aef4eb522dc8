from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare

from ..tools.access import check_manager_fields
from .customer_offer import OPEN_STATES

REPORT_OCCASION_DAYS = 30
# a portfolio changes hands or company through the manager (Transfer wizard);
# its trend is the snapshot job's
MANAGER_FIELDS = {
    "agent_id",
    "company_id",
    "non_target_share_trend",
    "non_target_growing",
}


class CustomerPortfolio(models.Model):
    """An agent's book of clients."""

    _name = "customer.portfolio"
    _description = "Customer Portfolio"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "name, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    color = fields.Integer()
    agent_id = fields.Many2one(
        "res.users",
        required=True,
        index=True,
        tracking=True,
        default=lambda self: self.env.user,
        check_company=True,
        domain="[('share', '=', False)]",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    partner_ids = fields.One2many("res.partner", "portfolio_id", string="Clients")
    hotline_phone = fields.Char(
        string="24/7 Hotline",
        tracking=True,
        help="The number clients of this portfolio can call at any hour; "
        "it is printed on every offer they receive.",
    )
    description = fields.Html()
    agent_history_ids = fields.One2many(
        "customer.portfolio.agent.history",
        "portfolio_id",
        help="The handovers of this portfolio, and the clients moved into it.",
    )
    client_count = fields.Integer(
        string="Number of Clients", compute="_compute_client_stats"
    )
    target_client_count = fields.Integer(
        string="Target Clients", compute="_compute_client_stats"
    )
    target_share = fields.Float(
        string="Target Share (%)",
        compute="_compute_client_stats",
        digits=(5, 1),
        help="Share of the portfolio's clients that belong to a target segment.",
    )
    target_share_min = fields.Float(
        string="Minimum Target Share (%)", default=70.0, digits=(5, 1)
    )
    target_share_max = fields.Float(
        string="Maximum Target Share (%)", default=80.0, digits=(5, 1)
    )
    target_share_status = fields.Selection(
        [("below", "Below band"), ("within", "Within band"), ("above", "Above band")],
        compute="_compute_client_stats",
    )
    non_target_share_trend = fields.Float(
        string="Non-target Share Trend (points)",
        readonly=True,
        digits=(5, 1),
        help="Change of the share of non-target clients over about 30 days, in "
        "percentage points, as of the latest daily snapshot.",
    )
    non_target_growing = fields.Boolean(
        string="Non-target Share Growing",
        readonly=True,
        help="The share of non-target clients grew since about 30 days ago: "
        "effort goes to clients outside the target segments.",
    )

    @api.depends(
        "partner_ids.is_target_client",
        "partner_ids.active",
        "target_share_min",
        "target_share_max",
    )
    def _compute_client_stats(self):
        counts = {
            (portfolio.id, is_target): count
            for portfolio, is_target, count in self.env["res.partner"]._read_group(
                [("portfolio_id", "in", self.ids)],
                ["portfolio_id", "is_target_client"],
                ["__count"],
            )
        }
        for portfolio in self:
            targets = counts.get((portfolio.id, True), 0)
            total = targets + counts.get((portfolio.id, False), 0)
            share = 100.0 * targets / total if total else 0.0
            portfolio.client_count = total
            portfolio.target_client_count = targets
            portfolio.target_share = share
            # compared at the displayed precision: 70.0 and 80.0 are within
            if float_compare(share, portfolio.target_share_min, precision_digits=1) < 0:
                portfolio.target_share_status = "below"
            elif (
                float_compare(share, portfolio.target_share_max, precision_digits=1) > 0
            ):
                portfolio.target_share_status = "above"
            else:
                portfolio.target_share_status = "within"

    @api.constrains("target_share_min", "target_share_max")
    def _check_target_share_band(self):
        for portfolio in self:
            low, high = portfolio.target_share_min, portfolio.target_share_max
            if not 0 <= low <= high <= 100:
                raise ValidationError(
                    self.env._(
                        "The target share band of portfolio %(name)s must satisfy "
                        "0 ≤ minimum ≤ maximum ≤ 100 (got %(low)s–%(high)s).",
                        name=portfolio.name,
                        low=low,
                        high=high,
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_history(self):
        """A portfolio that was handed over, took clients over or made offers
        keeps its history: it is archived, not deleted."""
        History = self.env["customer.portfolio.agent.history"].sudo()
        Offer = self.env["customer.offer"].sudo()
        used = History.search(
            [
                "|",
                ("portfolio_id", "in", self.ids),
                ("previous_portfolio_id", "in", self.ids),
            ],
            limit=1,
        ) or Offer.search([("portfolio_id", "in", self.ids)], limit=1)
        if used:
            raise UserError(
                self.env._(
                    "A portfolio with transfers or offers cannot be deleted: its "
                    "history is kept. Archive the portfolio instead."
                )
            )

    def write(self, vals):
        check_manager_fields(self, vals, MANAGER_FIELDS)
        result = super().write(vals)
        if "company_id" in vals:
            # the risk areas and segments of a client are those of its company
            clients = self.sudo().partner_ids
            clients._sync_location_risks()
            self.env["customer.segment"]._recompute_segments(clients)
        return result

    def action_open_clients(self):
        """Open the clients of this portfolio."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_portfolio.res_partner_action_portfolio_clients"
        )
        action["domain"] = [("portfolio_id", "=", self.id)]
        action["context"] = {"default_portfolio_id": self.id}
        return action

    def action_open_snapshots(self):
        """Open the target share history of this portfolio."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_portfolio.customer_portfolio_snapshot_action"
        )
        action["domain"] = [("portfolio_id", "=", self.id)]
        action["context"] = {}
        return action

    def _get_report_data(self):
        """The clients of the portfolio report with their occasions of the next
        30 days and their open offers (one search each), and the totals."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        clients = self.partner_ids
        occasions = self.env["customer.occasion"].search(
            [
                ("partner_id", "in", clients.ids),
                ("occasion_type", "!=", "offer"),
                ("date_start", "<=", today + timedelta(days=REPORT_OCCASION_DAYS)),
            ]
        )
        offers = self.env["customer.offer"].search(
            [("partner_id", "in", clients.ids), ("state", "in", OPEN_STATES)],
            order="date_end, id",
        )
        occasions_by_client = occasions.grouped("partner_id")
        offers_by_client = offers.grouped("partner_id")
        return {
            "today": today,
            "offer_count": len(offers),
            "lines": [
                {
                    "partner": client,
                    "occasions": occasions_by_client.get(client, occasions.browse()),
                    "offers": offers_by_client.get(client, offers.browse()),
                }
                for client in clients
            ],
        }
