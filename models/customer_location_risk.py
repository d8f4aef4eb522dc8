from odoo import fields, models


class CustomerLocationRisk(models.Model):
    """An area struck by, or exposed to, an event over a period."""

    _name = "customer.location.risk"
    _description = "Location Risk Area"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_start desc, id desc"

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    risk_type = fields.Selection(
        [
            ("earthquake", "Earthquake"),
            ("flood", "Flood"),
            ("storm", "Storm"),
            ("wildfire", "Wildfire"),
            ("other", "Other"),
        ],
        required=True,
        default="earthquake",
        tracking=True,
    )
    severity = fields.Selection(
        [("low", "Low"), ("medium", "Medium"), ("high", "High")],
        required=True,
        default="medium",
        tracking=True,
    )
    country_id = fields.Many2one("res.country", tracking=True)
    state_id = fields.Many2one(
        "res.country.state", domain="[('country_id', '=?', country_id)]"
    )
    city = fields.Char()
    zip = fields.Char(string="ZIP")
    latitude = fields.Float(digits=(10, 7))
    longitude = fields.Float(digits=(10, 7))
    radius_km = fields.Float(string="Radius (km)")
    date_start = fields.Date(
        string="Start", required=True, default=fields.Date.context_today, tracking=True
    )
    date_end = fields.Date(string="End", tracking=True)
    note = fields.Html()
    suppressed_category_ids = fields.Many2many(
        "customer.offer.category",
        string="Suppressed Offers",
        default=lambda self: self.env.ref(
            "customer_portfolio.offer_category_insurance", raise_if_not_found=False
        ),
        help="Offer categories not proposed to clients inside the area while it is "
        "active.",
    )
    promoted_template_ids = fields.Many2many(
        "customer.offer.template",
        string="Promoted Offers",
        domain="[('trigger', '=', 'location_risk')]",
        help="Offers proposed to the clients inside the area while it is active.",
    )
