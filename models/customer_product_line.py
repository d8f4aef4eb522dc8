from odoo import fields, models

PRODUCT_LINE_CATEGORIES = [
    ("credit", "Consumer credit"),
    ("loan", "Loan"),
    ("mortgage", "Mortgage"),
    ("insurance", "Insurance"),
    ("savings", "Savings"),
    ("investment", "Investment"),
    ("card", "Card"),
    ("other", "Other"),
]


class CustomerProductLine(models.Model):
    """A line of business the company sells (a credit, a policy, a card...)."""

    _name = "customer.product.line"
    _description = "Product Line"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char()
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", index=True, default=lambda self: self.env.company
    )
    category = fields.Selection(PRODUCT_LINE_CATEGORIES, required=True, default="other")
    renewal_notice_days = fields.Integer(
        default=60,
        help="How many days before a holding's end date its agent is reminded "
        "to renew it.",
    )
    term_months = fields.Integer(
        default=12,
        help="How many months a renewal moves a holding's end date on.",
    )
    description = fields.Text(translate=True)

    # shared lines (no company) are one company's lines for this purpose
    _unique_code = models.UniqueIndex(
        "(COALESCE(company_id, 0), code) WHERE code IS NOT NULL",
        "Two product lines of a company cannot share a code.",
    )
    _check_renewal_notice_days = models.Constraint(
        "CHECK(renewal_notice_days >= 0)",
        "The renewal notice of a product line cannot be negative.",
    )
    _check_term_months = models.Constraint(
        "CHECK(term_months > 0)",
        "A product line's renewal term must be at least one month.",
    )
