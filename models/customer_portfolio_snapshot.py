from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

# The non-target share of today is compared with the one about this long ago.
TREND_DAYS = 30


class CustomerPortfolioSnapshot(models.Model):
    """The target share of a portfolio on one day, taken by the daily job."""

    _name = "customer.portfolio.snapshot"
    _description = "Portfolio Target Share Snapshot"
    _order = "date desc, portfolio_id"
    _rec_name = "date"

    portfolio_id = fields.Many2one(
        "customer.portfolio", required=True, readonly=True, ondelete="cascade"
    )
    agent_id = fields.Many2one("res.users", readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    date = fields.Date(required=True, readonly=True)
    client_count = fields.Integer(string="Clients", readonly=True)
    target_client_count = fields.Integer(string="Target Clients", readonly=True)
    target_share = fields.Float(
        string="Target Share (%)", readonly=True, digits=(5, 1), aggregator="avg"
    )
    non_target_share = fields.Float(
        string="Non-target Share (%)", readonly=True, digits=(5, 1), aggregator="avg"
    )

    _unique_day = models.UniqueIndex("(portfolio_id, date)")

    @api.model
    def _take_snapshot(self, on_date=None):
        """Record today's shares of every active portfolio (idempotent per day),
        then flag the portfolios whose non-target share grew over the trend
        window. Two SQL statements, whatever the number of clients."""
        on_date = on_date or fields.Date.context_today(self)
        self.env.flush_all()
        self.env.execute_query(
            SQL(
                """
                INSERT INTO customer_portfolio_snapshot AS s (
                    portfolio_id, agent_id, company_id, date, client_count,
                    target_client_count, target_share, non_target_share,
                    create_uid, create_date, write_uid, write_date)
                SELECT pf.id, pf.agent_id, pf.company_id, %(date)s, counts.total,
                       counts.target,
                       CASE WHEN counts.total > 0
                            THEN 100.0 * counts.target / counts.total ELSE 0 END,
                       CASE WHEN counts.total > 0
                            THEN 100.0 * (counts.total - counts.target) / counts.total
                            ELSE 0 END,
                       %(uid)s, NOW() AT TIME ZONE 'UTC',
                       %(uid)s, NOW() AT TIME ZONE 'UTC'
                  FROM customer_portfolio pf
                  CROSS JOIN LATERAL (
                      SELECT COUNT(*) AS total,
                             COUNT(*) FILTER (WHERE p.is_target_client) AS target
                        FROM res_partner p
                       WHERE p.portfolio_id = pf.id AND p.active
                  ) counts
                 WHERE pf.active
                ON CONFLICT (portfolio_id, date) DO UPDATE
                   SET agent_id = EXCLUDED.agent_id,
                       client_count = EXCLUDED.client_count,
                       target_client_count = EXCLUDED.target_client_count,
                       target_share = EXCLUDED.target_share,
                       non_target_share = EXCLUDED.non_target_share,
                       write_uid = EXCLUDED.write_uid,
                       write_date = EXCLUDED.write_date
                """,
                date=on_date,
                uid=self.env.uid,
            )
        )
        # reference: the latest snapshot at least TREND_DAYS old, or else the
        # oldest earlier one
        self.env.execute_query(
            SQL(
                """
                UPDATE customer_portfolio pf
                   SET non_target_share_trend =
                           COALESCE(cur.non_target_share - ref.non_target_share, 0),
                       non_target_growing =
                           COALESCE(cur.non_target_share - ref.non_target_share
                                    >= 0.05, FALSE),
                       write_uid = %(uid)s,
                       write_date = %(now)s
                  FROM customer_portfolio_snapshot cur
                  LEFT JOIN LATERAL (
                      SELECT s.non_target_share
                        FROM customer_portfolio_snapshot s
                       WHERE s.portfolio_id = cur.portfolio_id
                         AND s.date < cur.date
                       ORDER BY CASE WHEN s.date <= %(ref_date)s THEN s.date END
                                DESC NULLS LAST,
                                s.date
                       LIMIT 1
                  ) ref ON TRUE
                 WHERE cur.portfolio_id = pf.id AND cur.date = %(date)s
                """,
                date=on_date,
                ref_date=on_date - timedelta(days=TREND_DAYS),
                uid=self.env.uid,
                now=self.env.cr.now(),
            )
        )
        self.invalidate_model()
        self.env["customer.portfolio"].invalidate_model(
            ["non_target_share_trend", "non_target_growing", "write_uid", "write_date"]
        )
