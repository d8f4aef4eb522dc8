from odoo import api, models

from ..tools.access import (
    check_manager_fields,
    check_onchange_targets,
    check_targets_access,
)


class CustomerClientRecord(models.AbstractModel):
    """A record of a client's register: income record, life event, holding,
    offer.

    The record rules check a record before it is written, not the values
    written: this mixin checks that the client a record is put on is one the
    user may change (a missing and a forbidden client get the same answer) and
    refuses the fields that only a manager or the system sets. An onchange
    first checks that the user may read the client it derives values from.
    """

    _name = "customer.client.record"
    _description = "Client Register Record"

    def _get_manager_fields(self, vals):
        """The fields that only a manager or the system may set in ``vals``,
        written on ``self`` (empty on create)."""
        return {"company_id"}

    def _check_client_values(self, vals_list):
        check_targets_access(self, vals_list, "partner_id")
        for vals in vals_list:
            check_manager_fields(self, vals, self._get_manager_fields(vals))

    def onchange(self, values, field_names, fields_spec):
        check_onchange_targets(self, values, ["partner_id"])
        return super().onchange(values, field_names, fields_spec)

    @api.model_create_multi
    def create(self, vals_list):
        self._check_client_values(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._check_client_values([vals])
        return super().write(vals)
