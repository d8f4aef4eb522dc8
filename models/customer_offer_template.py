from datetime import date, timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain

from ..tools.yearly_dates import month_day_domain
from .customer_life_event import LIFE_EVENT_TYPES

OFFER_CATEGORIES = [
    ("credit", "Consumer credit"),
    ("loan", "Loan"),
    ("insurance", "Insurance"),
    ("coupon", "Coupon"),
    ("gift", "Gift"),
    ("greeting_call", "Greeting call"),
]

# the offer category of the offers of a product line, when there is one
PRODUCT_LINE_OFFER_CATEGORIES = {
    "credit": "credit",
    "loan": "loan",
    "mortgage": "loan",
    "insurance": "insurance",
}

# triggers that ``customer.offer.generate_offers`` runs for a given day
DATE_TRIGGERS = (
    "birthday",
    "christmas",
    "high_spend_month",
    "client_anniversary",
    "location_risk",
)


class CustomerOfferTemplate(models.Model):
    """What to offer, on which occasion, to which clients."""

    _name = "customer.offer.template"
    _description = "Offer Template"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", index=True, default=lambda self: self.env.company
    )
    description = fields.Html(translate=True)
    trigger = fields.Selection(
        [
            ("birthday", "Birthday"),
            ("christmas", "Christmas"),
            ("high_spend_month", "High-spending month"),
            ("client_anniversary", "Client anniversary"),
            ("life_event", "Life event"),
            ("location_risk", "Location risk"),
            ("manual", "Manual"),
        ],
        required=True,
        default="manual",
    )
    life_event_type = fields.Selection(LIFE_EVENT_TYPES)
    month_ids = fields.Many2many(
        "customer.offer.month",
        string="Months",
        help="The high-spending months: the offer is made on the first day of each.",
    )
    days_in_advance = fields.Integer(
        help="For birthdays, Christmas and anniversaries: how many days before the "
        "occasion the offer is made.",
    )
    offer_category = fields.Selection(OFFER_CATEGORIES, required=True, default="gift")
    interest_rate = fields.Float(string="Interest Rate (%)", digits=(5, 2))
    validity_days = fields.Integer(
        default=1,
        help="How many days the offer stays valid, counted from the occasion (the "
        "birthday, Christmas...) or, for other triggers, from the day it is made.",
    )
    affiliate_partner_id = fields.Many2one("res.partner", string="Affiliated Business")
    segment_ids = fields.Many2many(
        "customer.segment",
        "customer_offer_template_segment_rel",
        "template_id",
        "segment_id",
        string="Segments",
        help="Leave empty to offer it to clients of every segment.",
    )
    product_line_id = fields.Many2one(
        "customer.product.line",
        domain="[('company_id', 'in', [company_id, False])]",
        help="What accepting the offer gives: the client's holding of this line "
        "is created, active from the day of acceptance.",
    )
    gap_product_line_id = fields.Many2one(
        "customer.product.line",
        string="Clients Lacking",
        domain="[('company_id', 'in', [company_id, False])]",
        help="Offer it only to the clients whose segment package includes this "
        "line and who hold no active holding of it.",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Email Template",
        domain="[('model', '=', 'customer.offer')]",
        help="The email sent to the client when the offer is made.",
    )
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        help="If set, the agent gets an activity of this type for each offer "
        "(e.g. a greeting call). Otherwise the new offers are summed up in one "
        "digest activity per agent and day.",
    )
    offer_count = fields.Integer(compute="_compute_offer_count", string="Offers")

    _check_validity_days = models.Constraint(
        "CHECK(validity_days > 0)", "An offer must be valid for at least one day."
    )
    _check_days_in_advance = models.Constraint(
        "CHECK(days_in_advance >= 0)", "The days in advance cannot be negative."
    )

    def _compute_offer_count(self):
        counts = dict(
            self.env["customer.offer"]._read_group(
                [("template_id", "in", self.ids)], ["template_id"], ["__count"]
            )
        )
        for template in self:
            template.offer_count = counts.get(template, 0)

    @api.constrains("trigger", "life_event_type", "month_ids")
    def _check_trigger_settings(self):
        for template in self:
            if template.trigger == "life_event" and not template.life_event_type:
                raise ValidationError(
                    self.env._(
                        "The offer template %(name)s is triggered by a life event: "
                        "choose which one.",
                        name=template.name,
                    )
                )
            if template.trigger == "high_spend_month" and not template.month_ids:
                raise ValidationError(
                    self.env._(
                        "The offer template %(name)s is made in high-spending months: "
                        "choose at least one month.",
                        name=template.name,
                    )
                )

    @api.constrains("offer_category", "product_line_id", "gap_product_line_id")
    def _check_insurance_lines(self):
        """Insurance is offered as insurance, so that the risk areas that
        suppress insurance offers suppress it too."""
        for template in self:
            lines = template.product_line_id | template.gap_product_line_id
            if (
                "insurance" in lines.mapped("category")
                and template.offer_category != "insurance"
            ):
                raise ValidationError(
                    self.env._(
                        "The offer template %(name)s is about an insurance line: "
                        "its category must be Insurance.",
                        name=template.name,
                    )
                )

    @api.onchange("product_line_id")
    def _onchange_product_line_id(self):
        category = PRODUCT_LINE_OFFER_CATEGORIES.get(self.product_line_id.category)
        if category:
            self.offer_category = category

    @api.constrains("mail_template_id")
    def _check_mail_template_model(self):
        for template in self:
            if template.mail_template_id.model not in (False, "customer.offer"):
                raise ValidationError(
                    self.env._(
                        "The email of the offer template %(name)s must be an email "
                        "template of offers, not of %(model)s.",
                        name=template.name,
                        model=template.mail_template_id.model,
                    )
                )

    def action_view_offers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_portfolio.customer_offer_action"
        )
        action["domain"] = [("template_id", "=", self.id)]
        action["context"] = {"default_template_id": self.id}
        return action

    def _get_partner_domain(self):
        """The clients this template may reach at all (skip rules and segments)."""
        self.ensure_one()
        domain = Domain(
            [
                ("portfolio_id", "!=", False),
                ("portfolio_id.active", "=", True),
                ("portfolio_opt_out", "=", False),
                ("offer_channel", "!=", "none"),
                ("is_blacklisted", "=", False),
            ]
        )
        if self.company_id:
            domain &= Domain("portfolio_id.company_id", "=", self.company_id.id)
        if self.segment_ids:
            domain &= Domain("segment_id", "in", self.segment_ids.ids)
        if self.gap_product_line_id:
            domain &= Domain("cross_sell_line_ids", "in", self.gap_product_line_id.ids)
        return domain

    def _get_lookback_days(self):
        """How many days late an occasion of this template may still be offered:
        as long as its offer would still be valid (a run missed, a day skipped
        by a daylight-saving jump). Risk areas are offered while they last."""
        self.ensure_one()
        if self.trigger in ("birthday", "client_anniversary", "christmas"):
            return self.days_in_advance + self.validity_days - 1
        if self.trigger == "high_spend_month":
            return self.validity_days - 1
        return 0

    def _get_occasions(self, day, risk_areas, served_through=None):
        """The occasions this template offers on ``day`` (a client's local date):
        those due that day, and those due on an earlier day of the look-back
        window (``_get_lookback_days``) whose offer is still valid on ``day``,
        unless a complete run served that day already. The unique (client,
        template, occasion) index keeps them from being offered twice.

        :param risk_areas: the risk areas active on ``day``
        :param served_through: the last day a complete run served (see
            ``customer.offer._get_served_through``)
        :return: a list of dicts with the occasion's ``key``, the ``domain`` of the
            clients it concerns, and the ``date_start`` and ``date_end`` of the offer
        """
        self.ensure_one()
        if self.trigger == "location_risk":
            return [
                {
                    "key": f"risk-{area.id}",
                    "domain": Domain("location_risk_ids", "in", area.id),
                    "date_start": day,
                    "date_end": day + timedelta(days=self.validity_days - 1),
                }
                for area in risk_areas
                if self in area.promoted_template_ids
            ]
        lookback = self._get_lookback_days()
        if served_through:
            lookback = min(lookback, max((day - served_through).days - 1, 0))
        return [
            dict(occasion, date_start=day)
            for late in range(lookback, -1, -1)
            for occasion in self._get_due_occasions(day - timedelta(days=late))
        ]

    def _get_due_occasions(self, due):
        """The yearly and monthly occasions whose offer is due on ``due``, with
        the ``key``, clients ``domain`` and ``date_end`` of their offer."""
        validity = timedelta(days=self.validity_days - 1)
        occasion = due + timedelta(days=self.days_in_advance)
        if self.trigger == "birthday":
            return [
                {
                    "key": f"birthday-{occasion.year}",
                    "domain": month_day_domain(
                        "birthday_month", "birthday_day", occasion, occasion
                    ),
                    "date_end": occasion + validity,
                }
            ]
        if self.trigger == "client_anniversary":
            # a year as a client at least: 29 February 2024 counts on 28 February 2025
            domain = month_day_domain(
                "client_since_month", "client_since_day", occasion, occasion
            ) & Domain("client_since", "<", date(occasion.year, 1, 1))
            return [
                {
                    "key": f"anniversary-{occasion.year}",
                    "domain": domain,
                    "date_end": occasion + validity,
                }
            ]
        if self.trigger == "christmas" and (occasion.month, occasion.day) == (12, 25):
            return [
                {
                    "key": f"christmas-{occasion.year}",
                    "domain": Domain.TRUE,
                    "date_end": occasion + validity,
                }
            ]
        if (
            self.trigger == "high_spend_month"
            and due.day == 1
            and due.month in self.month_ids.mapped("number")
        ):
            return [
                {
                    "key": f"month-{due:%Y-%m}",
                    "domain": Domain.TRUE,
                    "date_end": due + validity,
                }
            ]
        return []
