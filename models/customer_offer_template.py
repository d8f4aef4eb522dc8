from odoo import fields, models

from .customer_life_event import LIFE_EVENT_TYPES

OFFER_CATEGORIES = [
    ("credit", "Consumer credit"),
    ("loan", "Loan"),
    ("insurance", "Insurance"),
    ("coupon", "Coupon"),
    ("gift", "Gift"),
    ("greeting_call", "Greeting call"),
]


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
    offer_category = fields.Selection(OFFER_CATEGORIES, required=True, default="gift")
    interest_rate = fields.Float(string="Interest Rate (%)", digits=(5, 2))
    validity_days = fields.Integer(default=1)
    affiliate_partner_id = fields.Many2one("res.partner", string="Affiliated Business")
    segment_ids = fields.Many2many(
        "customer.segment",
        "customer_offer_template_segment_rel",
        "template_id",
        "segment_id",
        string="Segments",
        help="Leave empty to offer it to clients of every segment.",
    )
    mail_template_id = fields.Many2one(
        "mail.template", domain="[('model', '=', 'customer.offer')]"
    )
    activity_type_id = fields.Many2one("mail.activity.type")
