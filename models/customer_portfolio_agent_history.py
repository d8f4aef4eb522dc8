from odoo import fields, models


class CustomerPortfolioAgentHistory(models.Model):
    """A client (or a whole portfolio) handed over from one agent to another."""

    _name = "customer.portfolio.agent.history"
    _description = "Portfolio Agent History"
    _order = "date desc, id desc"

    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Client",
        index="btree_not_null",
        ondelete="cascade",  # a client with history is archived, not deleted
        readonly=True,
    )
    portfolio_id = fields.Many2one(
        "customer.portfolio",
        string="New Portfolio",
        required=True,
        index=True,
        ondelete="restrict",  # a portfolio with history is archived
        readonly=True,
    )
    previous_portfolio_id = fields.Many2one(
        "customer.portfolio", index="btree_not_null", readonly=True, ondelete="restrict"
    )
    previous_agent_id = fields.Many2one("res.users", readonly=True)
    agent_id = fields.Many2one("res.users", string="New Agent", readonly=True)
    company_id = fields.Many2one(
        related="portfolio_id.company_id", store=True, index=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Transferred by",
        default=lambda self: self.env.user,
        readonly=True,
    )
    note = fields.Char(string="Reason", readonly=True)
