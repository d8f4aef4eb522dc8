from odoo import api, fields, models

from .res_partner import PORTFOLIO_GROUP, next_occurrence


class ResPartner(models.Model):
    _inherit = "res.partner"

    days_to_anniversary = fields.Integer(
        string="Days to Client Anniversary",
        compute="_compute_days_to_anniversary",
        groups=PORTFOLIO_GROUP,
        help="Days to the next anniversary of the day the contact became a client "
        "(-1 without a client since date).",
    )

    @api.depends("client_since")
    def _compute_days_to_anniversary(self):
        today = fields.Date.context_today(self)
        for partner in self:
            since = partner.client_since
            if not since or since >= today:
                partner.days_to_anniversary = -1
                continue
            partner.days_to_anniversary = (next_occurrence(since, today) - today).days
