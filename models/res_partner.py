from odoo import fields, models

PORTFOLIO_GROUP = "customer_portfolio.group_portfolio_agent"
CLIENT_TIERS = [("standard", "Standard"), ("premium", "Premium"), ("vip", "VIP")]


class ResPartner(models.Model):
    """A contact becomes a client by joining a portfolio.

    The register lives beside this file, one concern each: dates
    (``res_partner_dates``), household and life-cycle stage
    (``res_partner_household``), income (``res_partner_income``), location risk
    (``res_partner_location_risk``), segment (``res_partner_segment``) and
    offers (``res_partner_offer``).
    """

    _inherit = "res.partner"

    portfolio_id = fields.Many2one(
        "customer.portfolio",
        index="btree_not_null",
        tracking=True,
        ondelete="restrict",
        groups=PORTFOLIO_GROUP,
    )
    portfolio_agent_id = fields.Many2one(
        related="portfolio_id.agent_id",
        string="Agent",
        store=True,
        index="btree_not_null",
        groups=PORTFOLIO_GROUP,
    )
    client_tier = fields.Selection(
        CLIENT_TIERS,
        default="standard",
        tracking=True,
        groups=PORTFOLIO_GROUP,
    )
    portfolio_opt_out = fields.Boolean(
        string="No Loyalty Offers",
        tracking=True,
        groups=PORTFOLIO_GROUP,
        help="The client receives no loyalty offer at all.",
    )
    agent_history_ids = fields.One2many(
        "customer.portfolio.agent.history",
        "partner_id",
        string="Previous Agents",
        groups=PORTFOLIO_GROUP,
    )

    def _schedule_portfolio_activity(self, activity_type_xmlid):
        """Schedule an activity of this type for the agent of each partner's
        portfolio, unless one is still open on that partner."""
        activity_type = self.env.ref(activity_type_xmlid)
        open_on = {
            res_id
            for (res_id,) in self.env["mail.activity"]._read_group(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("activity_type_id", "=", activity_type.id),
                ],
                ["res_id"],
            )
        }
        todo = self.filtered(lambda p: p.portfolio_agent_id and p.id not in open_on)
        for agent, partners in todo.grouped("portfolio_agent_id").items():
            partners.activity_schedule(
                activity_type_xmlid,
                date_deadline=activity_type._get_date_deadline(),
                user_id=agent.id,
            )
