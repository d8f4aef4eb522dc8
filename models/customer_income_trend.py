from odoo import api, fields, models
from odoo.tools import SQL, split_every

INCOME_STABLE_BAND_PARAM = "customer_portfolio.income_stable_band"
INCOME_STABLE_BAND_DEFAULT = 5.0
# the client's income fields and their columns in this table
INCOME_TREND_COLUMNS = {
    "income_amount": "amount",
    "income_currency_id": "currency_id",
    "income_trend": "trend",
    "income_trend_pct": "change_pct",
}
INCOME_TREND_FIELDS = list(INCOME_TREND_COLUMNS)

INCOME_TRENDS = [
    ("increasing", "Increasing"),
    ("stable", "Stable"),
    ("decreasing", "Decreasing"),
    ("unknown", "Unknown"),
]


class CustomerIncomeTrend(models.Model):
    """A client's income figures, derived from their income records.

    One narrow row per client with income records, written in SQL only by
    ``_recompute`` and ``_reclassify`` below:
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

    @api.model
    def _stable_band(self):
        """The +/- percentage within which an income change counts as stable."""
        return float(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(INCOME_STABLE_BAND_PARAM, INCOME_STABLE_BAND_DEFAULT)
        )

    @api.model
    def _trend_sql(self, amount, previous):
        """SQL classifying the change from ``previous`` to ``amount`` (SQL
        expressions; ``previous`` is NULL when the two are not comparable)
        against the stable band: exact, on the unrounded amounts."""
        return SQL(
            """CASE WHEN %(previous)s > 0 THEN
                    CASE WHEN 100 * (%(amount)s - %(previous)s)
                              > %(band)s * %(previous)s THEN 'increasing'
                         WHEN 100 * (%(amount)s - %(previous)s)
                              < -%(band)s * %(previous)s THEN 'decreasing'
                         ELSE 'stable' END
                    ELSE 'unknown' END""",
            amount=amount,
            previous=previous,
            band=self._stable_band(),
        )

    @api.model
    def _recompute(self, partners, touch=False):
        """Set the income figures of ``partners`` from their records.

        Set-based: one statement takes the latest record of each partner and,
        with a window function, the one before it, compares them and upserts
        the partner's row where it changes; the
        res_partner rows are never written.
        Returns the partners whose trend just turned decreasing.

        The trend rows are upserted in partner id order: two transactions
        recomputing the same partners queue up instead of deadlocking. With
        ``touch`` (after income records changed) every row is rewritten, even
        unchanged: a concurrent transaction that changed the same partners'
        records then fails with a serialization error (retried by Odoo) instead
        of committing a trend computed from a snapshot without these changes.
        """
        if not partners.ids:
            return partners.browse()
        self.env["customer.income.record"].flush_model(
            ["partner_id", "date", "amount", "currency_id"]
        )
        rows = self.env.execute_query(
            SQL(
                """
                WITH latest AS (
                    SELECT ids.id AS partner_id, records.amount,
                           records.currency_id,
                           CASE WHEN records.previous_currency_id
                                     = records.currency_id
                                THEN records.previous
                           END AS previous_amount
                      FROM unnest(%(ids)s::int[]) AS ids(id)
                      LEFT JOIN LATERAL (
                            SELECT amount, currency_id,
                                   lead(amount) OVER by_date AS previous,
                                   lead(currency_id) OVER by_date
                                       AS previous_currency_id
                              FROM customer_income_record
                             WHERE partner_id = ids.id
                            WINDOW by_date AS (ORDER BY date DESC, id DESC)
                             ORDER BY date DESC, id DESC
                             LIMIT 1
                           ) AS records ON TRUE
                ),
                computed AS (
                    SELECT latest.*,
                           CASE WHEN previous_amount > 0
                                THEN round(100 * (amount - previous_amount)
                                           / previous_amount, 2)
                           END AS change_pct,
                           %(trend)s AS trend
                      FROM latest
                ),
                upserted AS (
                    INSERT INTO customer_income_trend AS target (
                        partner_id, amount, currency_id, previous_amount,
                        change_pct, trend,
                        create_uid, create_date, write_uid, write_date)
                    SELECT new.partner_id, new.amount, new.currency_id,
                           new.previous_amount, new.change_pct, new.trend,
                           %(uid)s, %(now)s, %(uid)s, %(now)s
                      FROM computed new
                      LEFT JOIN customer_income_trend old
                        ON old.partner_id = new.partner_id
                     WHERE CASE WHEN old.id IS NULL THEN new.amount IS NOT NULL
                                ELSE %(touch)s
                                     OR (old.amount, old.currency_id,
                                         old.previous_amount, old.change_pct,
                                         old.trend)
                                        IS DISTINCT FROM
                                        (new.amount, new.currency_id,
                                         new.previous_amount, new.change_pct,
                                         new.trend)
                           END
                     ORDER BY new.partner_id
                        ON CONFLICT (partner_id) DO UPDATE
                       SET amount = EXCLUDED.amount,
                           currency_id = EXCLUDED.currency_id,
                           previous_amount = EXCLUDED.previous_amount,
                           change_pct = EXCLUDED.change_pct,
                           trend = EXCLUDED.trend,
                           write_uid = EXCLUDED.write_uid,
                           write_date = EXCLUDED.write_date
                    RETURNING target.partner_id, target.trend
                )
                SELECT upserted.partner_id
                  FROM upserted
                  LEFT JOIN customer_income_trend old
                    ON old.partner_id = upserted.partner_id
                 WHERE upserted.trend = 'decreasing'
                   AND old.trend IS DISTINCT FROM 'decreasing'
                """,
                ids=partners.ids,
                trend=self._trend_sql(
                    SQL("latest.amount"), SQL("latest.previous_amount")
                ),
                uid=self.env.uid,
                now=self.env.cr.now(),
                touch=touch,
            )
        )
        partners.invalidate_recordset(INCOME_TREND_FIELDS)
        self.invalidate_model()
        return partners.browse(partner_id for (partner_id,) in rows)

    @api.model
    def _recompute_all(self, batch_size=50000):
        """Recompute the income figures of every partner from their records.

        For data loaded around the ORM (e.g. an SQL import) and the upgrade:
        per batch of ``batch_size`` partners it runs one statement that reads
        their two latest records and writes the rows that change. It
        schedules no review: a recompute is no news about a client's income.
        """
        self.env["customer.income.record"].flush_model(["partner_id"])
        partner_ids = [
            partner_id
            for (partner_id,) in self.env.execute_query(
                SQL(
                    "SELECT partner_id FROM customer_income_record"
                    " UNION SELECT partner_id FROM customer_income_trend"
                    " ORDER BY partner_id"
                )
            )
        ]
        for batch_ids in split_every(batch_size, partner_ids):
            batch = self.env["res.partner"].browse(batch_ids)
            self._recompute(batch)
            batch.invalidate_recordset()

    @api.model
    def _reclassify(self):
        """After a change of the stable band: reclassify every client.

        The trend rows keep the unrounded amounts compared, so one UPDATE of
        the narrow table does it, without reading the income records, and
        writes only the rows whose trend changes. No review is scheduled: a
        new band is no news about a client's income.
        """
        trend = self._trend_sql(SQL("amount"), SQL("previous_amount"))
        self.env.execute_query(
            SQL(
                """UPDATE customer_income_trend
                      SET trend = %(trend)s, write_uid = %(uid)s,
                          write_date = %(now)s
                    WHERE trend <> %(trend)s""",
                trend=trend,
                uid=self.env.uid,
                now=self.env.cr.now(),
            )
        )
        self.env["res.partner"].invalidate_model(INCOME_TREND_FIELDS)
        self.invalidate_model()
