from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.res_partner import CLIENT_TIERS


class CustomerPortfolioReport(models.Model):
    """One row per active client in a portfolio, to analyse target shares
    across agents, portfolios, segments and tiers."""

    _name = "customer.portfolio.report"
    _description = "Portfolio Client Analysis"
    _auto = False
    # what the view reads: flushed before it is searched
    _depends = {
        "res.partner": [
            "portfolio_id", "segment_id", "client_tier", "is_target_client", "active",
        ],
        "customer.portfolio": ["agent_id", "company_id", "active"],
    }  # fmt: skip
    _rec_name = "partner_id"
    _order = "portfolio_id, partner_id"

    partner_id = fields.Many2one("res.partner", string="Client", readonly=True)
    portfolio_id = fields.Many2one("customer.portfolio", readonly=True)
    agent_id = fields.Many2one("res.users", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    segment_id = fields.Many2one("customer.segment", readonly=True)
    client_tier = fields.Selection(CLIENT_TIERS, readonly=True)
    is_target_client = fields.Boolean(string="Target Client", readonly=True)
    client_count = fields.Integer(string="Clients", readonly=True)
    target_client_count = fields.Integer(string="Target Clients", readonly=True)
    non_target_client_count = fields.Integer(string="Non-target Clients", readonly=True)
    target_share = fields.Float(
        string="Target Share (%)", readonly=True, aggregator="avg", digits=(5, 1)
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.execute_query(
            SQL(
                """
                CREATE OR REPLACE VIEW %(table)s AS (
                    SELECT p.id,
                           p.id AS partner_id,
                           p.portfolio_id,
                           pf.agent_id,
                           pf.company_id,
                           p.segment_id,
                           p.client_tier,
                           COALESCE(p.is_target_client, FALSE) AS is_target_client,
                           1 AS client_count,
                           CASE WHEN p.is_target_client THEN 1 ELSE 0 END
                               AS target_client_count,
                           CASE WHEN p.is_target_client THEN 0 ELSE 1 END
                               AS non_target_client_count,
                           CASE WHEN p.is_target_client THEN 100.0 ELSE 0.0 END
                               AS target_share
                      FROM res_partner p
                      JOIN customer_portfolio pf ON pf.id = p.portfolio_id
                     WHERE p.active AND pf.active
                )
                """,
                table=SQL.identifier(self._table),
            )
        )
