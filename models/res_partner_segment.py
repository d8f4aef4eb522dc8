from odoo import api, fields, models

from ..tools.access import check_manager_fields
from .res_partner import PORTFOLIO_GROUP

SEGMENT_FIELDS = {"segment_id", "is_target_client"}


class ResPartner(models.Model):
    """The client's segment and target flag, assigned by ``customer.segment``."""

    _inherit = "res.partner"

    is_target_client = fields.Boolean(
        string="Target Client",
        readonly=True,
        copy=False,
        groups=PORTFOLIO_GROUP,
        help="The client's segment is a target segment. Set with the segment.",
    )
    segment_id = fields.Many2one(
        "customer.segment",
        index="btree_not_null",
        readonly=True,
        copy=False,
        ondelete="set null",
        groups=PORTFOLIO_GROUP,
        help="The first segment, by sequence, whose domain matches the client. "
        "Recomputed when segments or the client's data change, and daily.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # derived by the segments; a manager may import them
            check_manager_fields(self, vals, SEGMENT_FIELDS)
        partners = super().create(vals_list)
        # a segment or target flag given explicitly (e.g. an import) is kept
        # until the next full recompute
        to_segment = partners.browse(
            partner.id
            for partner, vals in zip(partners.sudo(), vals_list, strict=True)
            if partner.portfolio_id and not vals.keys() & SEGMENT_FIELDS
        )
        self.env["customer.segment"]._recompute_segments(to_segment)
        return partners

    def write(self, vals):
        check_manager_fields(self, vals, SEGMENT_FIELDS)
        result = super().write(vals)
        trigger_fields = self.env["customer.segment"]._get_segment_trigger_fields()
        if vals.keys() & trigger_fields and not vals.keys() & SEGMENT_FIELDS:
            # leaving a portfolio clears the segment; others are only clients
            clients = (
                self if "portfolio_id" in vals else self.sudo().filtered("portfolio_id")
            )
            self.env["customer.segment"]._recompute_segments(clients)
        return result
