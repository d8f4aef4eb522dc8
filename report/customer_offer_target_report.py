from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.customer_offer import OFFER_STATES


class CustomerOfferTargetReport(models.Model):
    """One row per offer with the client's segment and target flag, to see
    which agents spend offers on non-target clients.

    The segment and target flag are the client's current ones."""

    _name = "customer.offer.target.report"
    _description = "Offers by Client Target Status"
    _auto = False
    # what the view reads: flushed before it is searched
    _depends = {
        "customer.offer": [
            "template_id", "partner_id", "portfolio_id", "agent_id", "company_id",
            "state", "date_start",
        ],
        "res.partner": ["portfolio_id", "segment_id", "is_target_client"],
        "customer.portfolio": ["agent_id", "company_id"],
    }  # fmt: skip
    _rec_name = "offer_id"
    _order = "date_start desc, offer_id desc"

    offer_id = fields.Many2one("customer.offer", readonly=True)
    template_id = fields.Many2one("customer.offer.template", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Client", readonly=True)
    portfolio_id = fields.Many2one("customer.portfolio", readonly=True)
    agent_id = fields.Many2one("res.users", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    segment_id = fields.Many2one("customer.segment", readonly=True)
    is_target_client = fields.Boolean(string="Target Client", readonly=True)
    state = fields.Selection(OFFER_STATES, string="Status", readonly=True)
    date_start = fields.Date(readonly=True)
    offer_count = fields.Integer(string="Offers", readonly=True)
    non_target_offer_count = fields.Integer(
        string="Offers to Non-target Clients", readonly=True
    )
    non_target_offer_share = fields.Float(
        string="Non-target Share (%)", readonly=True, aggregator="avg", digits=(5, 1)
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.execute_query(
            SQL(
                """
                CREATE OR REPLACE VIEW %(table)s AS (
                    SELECT o.id,
                           o.id AS offer_id,
                           o.template_id,
                           o.partner_id,
                           pf.id AS portfolio_id,
                           COALESCE(o.agent_id, pf.agent_id) AS agent_id,
                           COALESCE(o.company_id, pf.company_id) AS company_id,
                           p.segment_id,
                           COALESCE(p.is_target_client, FALSE) AS is_target_client,
                           o.state,
                           o.date_start,
                           1 AS offer_count,
                           CASE WHEN p.is_target_client THEN 0 ELSE 1 END
                               AS non_target_offer_count,
                           CASE WHEN p.is_target_client THEN 0.0 ELSE 100.0 END
                               AS non_target_offer_share
                      FROM customer_offer o
                      JOIN res_partner p ON p.id = o.partner_id
                      LEFT JOIN customer_portfolio pf
                             ON pf.id = COALESCE(o.portfolio_id, p.portfolio_id)
                )
                """,
                table=SQL.identifier(self._table),
            )
        )
