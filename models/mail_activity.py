from odoo import api, models
from odoo.fields import Domain

from ..tools.access import AGENT_GROUP, MANAGER_GROUP, hide_from_read

REGISTER_ACTIVITY_TYPES = (
    "customer_portfolio.mail_activity_type_income_review",
    "customer_portfolio.mail_activity_type_address_update",
)


class MailActivity(models.Model):
    """The register's activities stay with the book.

    Anyone who reads a contact reads its activities in ``mail``; the income
    reviews and address updates planned on clients are for their assignee and
    the portfolio groups, and an agent's activity on a risk area (which lists
    their clients) for that agent and the managers. Enforced in the access
    hooks ``mail`` itself uses (``_search`` and ``_check_access``), not in
    global rules that every chatter of every user would evaluate.
    """

    _inherit = "mail.activity"

    @api.model
    def _portfolio_hidden_domain(self):
        """The activities the user may not read whatever their document, or
        None when they may read them all."""
        env = self.env
        if env.su or env.user.has_group(MANAGER_GROUP):
            return None
        hidden = Domain("res_model", "=", "customer.location.risk")
        if not env.user.has_group(AGENT_GROUP):
            hidden |= Domain(
                "activity_type_id", "in", self._register_activity_type_ids()
            )
        return hidden & Domain("user_id", "!=", env.uid)

    @api.model
    def _register_activity_type_ids(self):
        """The ids of the register's activity types (income review, address
        update), for the portfolio groups only."""
        type_ids = [
            self.env["ir.model.data"]._xmlid_to_res_id(xmlid, raise_if_not_found=False)
            for xmlid in REGISTER_ACTIVITY_TYPES
        ]
        return [type_id for type_id in type_ids if type_id]

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
