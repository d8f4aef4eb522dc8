from odoo import fields, models


class CustomerErasureLog(models.Model):
    """Who erased a client's personal data, and when: the client's id only.

    Created by ``res.partner.action_erase_personal_data``; managers read it,
    nobody edits it.
    """

    _name = "customer.erasure.log"
    _description = "Personal Data Erasure Log"
    _order = "date desc, id desc"
    _rec_name = "partner_ref"

    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True)
    user_id = fields.Many2one(
        "res.users",
        string="Erased by",
        required=True,
        default=lambda self: self.env.user,
        readonly=True,
        ondelete="restrict",
    )
    partner_ref = fields.Integer(
        string="Client ID",
        required=True,
        readonly=True,
        index=True,
        help="The id of the erased contact: the log names no personal data.",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        readonly=True,
        index=True,
    )
