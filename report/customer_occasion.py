from odoo import api, fields, models
from odoo.tools import SQL

from ..models.customer_offer import OPEN_STATES
from ..tools.yearly_dates import occurrence_sql

OCCASION_TYPES = [
    ("birthday", "Birthday"),
    ("anniversary", "Client Anniversary"),
    ("offer", "Offer Validity"),
]
# row ids: partner id * 3 + 0/1 for yearly occasions, offer id * 3 + 2 for offers
ID_FACTOR = 3


class CustomerOccasion(models.Model):
    """The next birthday and client anniversary of every client, and the
    validity of the open offers, from the user's today on (read only)."""

    _name = "customer.occasion"
    _description = "Client Occasion"
    _auto = False
    _order = "date_start, id"

    occasion_type = fields.Selection(OCCASION_TYPES, string="Type", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Client", readonly=True)
    portfolio_id = fields.Many2one("customer.portfolio", readonly=True)
    agent_id = fields.Many2one("res.users", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    offer_id = fields.Many2one("customer.offer", readonly=True)
    date_start = fields.Date(string="Date", readonly=True)
    date_stop = fields.Date(string="Until", readonly=True)
    years = fields.Integer(
        readonly=True, help="The age the client turns, or their years as a client."
    )
    color = fields.Integer(readonly=True)

    _depends = {
        "res.partner": [
            "active",
            "birthdate",
            "birthday_day",
            "birthday_month",
            "client_since",
            "client_since_day",
            "client_since_month",
            "portfolio_agent_id",
            "portfolio_id",
        ],
        "customer.offer": ["date_end", "date_start", "partner_id", "state"],
        "customer.portfolio": ["company_id"],
    }

    @property
    def _table_query(self):
        today = fields.Date.context_today(self)
        return SQL(
            """
            WITH yearly AS (
                -- the agent, portfolio and company are taken here, so that a
                -- filter on them (the agents' record rule) reaches the index
                SELECT p.id AS partner_id, p.portfolio_id,
                       p.portfolio_agent_id AS agent_id, pf.company_id,
                       k.kind, k.occasion_type,
                       CASE k.kind WHEN 0 THEN p.birthday_month
                            ELSE p.client_since_month END AS month,
                       CASE k.kind WHEN 0 THEN p.birthday_day
                            ELSE p.client_since_day END AS day,
                       extract(year FROM CASE k.kind WHEN 0 THEN p.birthdate
                            ELSE p.client_since END)::int AS since_year
                  FROM res_partner p
                  JOIN customer_portfolio pf ON pf.id = p.portfolio_id
                 CROSS JOIN (VALUES (0, 'birthday'), (1, 'anniversary'))
                       AS k(kind, occasion_type)
                 WHERE p.active
                   AND CASE k.kind WHEN 0 THEN p.birthdate
                            ELSE p.client_since END IS NOT NULL
            ),
            occurrences AS (
                -- this year's, unless it is over or it is the very first day
                SELECT y.*,
                       CASE WHEN %(this_year)s >= %(today)s AND since_year < %(year)s
                            THEN %(this_year)s ELSE %(next_year)s END AS occurs_on
                  FROM yearly y
            )
            SELECT o.partner_id * %(factor)s + o.kind AS id,
                   o.occasion_type, o.partner_id, o.portfolio_id, o.agent_id,
                   o.company_id, NULL::int AS offer_id, o.occurs_on AS date_start,
                   o.occurs_on AS date_stop,
                   extract(year FROM o.occurs_on)::int - o.since_year AS years,
                   o.kind + 1 AS color
              FROM occurrences o
             UNION ALL
            SELECT offer.id * %(factor)s + 2, 'offer', offer.partner_id,
                   p.portfolio_id, p.portfolio_agent_id, pf.company_id, offer.id,
                   offer.date_start, offer.date_end, NULL, 3
              FROM customer_offer offer
              JOIN res_partner p ON p.id = offer.partner_id
              JOIN customer_portfolio pf ON pf.id = p.portfolio_id
             WHERE offer.state IN %(open)s AND offer.date_end >= %(today)s
            """,
            this_year=occurrence_sql(today.year, SQL("month"), SQL("day")),
            next_year=occurrence_sql(today.year + 1, SQL("month"), SQL("day")),
            today=today,
            year=today.year,
            factor=ID_FACTOR,
            open=OPEN_STATES,
        )

    @api.depends("occasion_type", "partner_id", "offer_id", "years")
    def _compute_display_name(self):
        for occasion in self:
            client = occasion.partner_id.display_name
            if occasion.occasion_type == "birthday":
                occasion.display_name = self.env._(
                    "%(client)s turns %(years)s", client=client, years=occasion.years
                )
            elif occasion.occasion_type == "anniversary":
                occasion.display_name = self.env._(
                    "%(client)s: %(years)s years as a client",
                    client=client,
                    years=occasion.years,
                )
            else:
                occasion.display_name = self.env._(
                    "%(offer)s for %(client)s",
                    offer=occasion.offer_id.name,
                    client=client,
                )

    def action_open_partner(self):
        """Open the client of this occasion."""
        self.ensure_one()
        return self.partner_id.get_formview_action()
