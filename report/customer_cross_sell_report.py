from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.customer_product_line import PRODUCT_LINE_CATEGORIES


class CustomerCrossSellReport(models.Model):
    """One row per client in a portfolio and line of their segment's package:
    held (an active holding of the line) or a gap. Its pivot shows the gaps by
    line and agent, and each agent's package coverage."""

    _name = "customer.cross.sell.report"
    _description = "Package Coverage Analysis"
    _auto = False
    # what the view reads: flushed before it is searched
    _depends = {
        "customer.holding": ["partner_id", "product_line_id", "state"],
        "res.partner": ["portfolio_id", "segment_id", "active"],
        "customer.segment": ["product_line_ids"],
        "customer.product.line": ["category", "active"],
        "customer.portfolio": ["agent_id", "company_id", "active"],
    }  # fmt: skip
    _rec_name = "partner_id"
    _order = "agent_id, partner_id, product_line_id"

    partner_id = fields.Many2one("res.partner", string="Client", readonly=True)
    product_line_id = fields.Many2one("customer.product.line", readonly=True)
    category = fields.Selection(PRODUCT_LINE_CATEGORIES, readonly=True)
    portfolio_id = fields.Many2one("customer.portfolio", readonly=True)
    agent_id = fields.Many2one("res.users", readonly=True)
    segment_id = fields.Many2one("customer.segment", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    is_gap = fields.Boolean(string="Gap", readonly=True)
    gap_count = fields.Integer(string="Gaps", readonly=True)
    held_count = fields.Integer(string="Held", readonly=True)
    coverage = fields.Float(
        string="Package Coverage (%)",
        readonly=True,
        aggregator="avg",
        digits=(5, 1),
        help="The share of the package lines the clients hold.",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.execute_query(
            SQL(
                """
                CREATE OR REPLACE VIEW %(table)s AS (
                    SELECT p.id::bigint * 1000000 + line.id AS id,
                           p.id AS partner_id,
                           line.id AS product_line_id,
                           line.category,
                           p.portfolio_id,
                           pf.agent_id,
                           p.segment_id,
                           pf.company_id,
                           NOT held.held AS is_gap,
                           CASE WHEN held.held THEN 0 ELSE 1 END AS gap_count,
                           CASE WHEN held.held THEN 1 ELSE 0 END AS held_count,
                           CASE WHEN held.held THEN 100.0 ELSE 0.0 END AS coverage
                      FROM res_partner p
                      JOIN customer_portfolio pf ON pf.id = p.portfolio_id
                      JOIN customer_segment_product_line_rel rel
                        ON rel.segment_id = p.segment_id
                      JOIN customer_product_line line
                        ON line.id = rel.line_id AND line.active
                     CROSS JOIN LATERAL (
                           SELECT EXISTS (
                               SELECT 1
                                 FROM customer_holding h
                                WHERE h.partner_id = p.id
                                  AND h.product_line_id = line.id
                                  AND h.state = 'active') AS held
                     ) held
                     WHERE p.active AND pf.active
                )
                """,
                table=SQL.identifier(self._table),
            )
        )
