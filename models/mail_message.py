from odoo import api, models
from odoo.fields import Domain

from ..tools.access import AGENT_GROUP, MANAGER_GROUP, hide_from_read


class MailMessage(models.Model):
    """The messages left when a register activity is done stay with the book.

    The same privacy as the activities themselves (see ``mail.activity``):
    income reviews and address updates for the portfolio groups, risk area
    activities for the managers, every message for its author. Enforced in
    ``mail``'s own access hooks, not in global rules.
    """

    _inherit = "mail.message"

    @api.model
    def _portfolio_hidden_domain(self):
        """The messages the user may not read whatever their document, or
        None when they may read them all."""
        env = self.env
        if env.su or env.user.has_group(MANAGER_GROUP):
            return None
        hidden = Domain("model", "=", "customer.location.risk") & Domain(
            "mail_activity_type_id", "!=", False
        )
        if not env.user.has_group(AGENT_GROUP):
            hidden |= Domain(
                "mail_activity_type_id",
                "in",
                env["mail.activity"]._register_activity_type_ids(),
            )
        return hidden & Domain("author_id", "!=", env.user.partner_id.id)

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None, **kwargs):
        hidden = not kwargs.get("bypass_access") and self._portfolio_hidden_domain()
        if hidden:
            domain = Domain(domain) & ~hidden
        return super()._search(domain, offset, limit, order, **kwargs)

    def _check_access(self, operation):
        result = super()._check_access(operation)
        if operation != "read" or not self:
            return result
        return hide_from_read(self, result, self._portfolio_hidden_domain())
