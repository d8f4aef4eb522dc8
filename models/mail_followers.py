from odoo import api, models
from odoo.fields import Domain

from odoo.addons.base.models.ir_attachment import condition_values

from ..tools.access import forbid_read

# the models whose followers are read with their document: the register's
# threads and the contacts (a client's followers tell whose book they are in)
PRIVATE_THREADS = frozenset(
    {
        "res.partner",
        "customer.portfolio",
        "customer.offer",
        "customer.holding",
        "customer.location.risk",
    }
)


class MailFollowers(models.Model):
    """The followers of the book's records are for those who read the records.

    ``mail`` lets every internal user read the followers of every document:
    another agent would list those of a client, an offer or a holding they may
    not open. On the register's threads and the contacts, a follower is read
    with its document, as ``mail.message`` and ``ir.attachment`` are. Enforced
    in the access hooks (``_search`` and ``_check_access``), and only for the
    searches that may reach those models: a chatter of any other model pays
    nothing.
    """

    _inherit = "mail.followers"

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None, **kwargs):
        if self.env.su or kwargs.get("bypass_access"):
            return super()._search(domain, offset, limit, order, **kwargs)
        domain = Domain(domain)
        models = condition_values(self, "res_model", domain)
        res_ids = condition_values(self, "res_id", domain)
        for model in sorted(
            PRIVATE_THREADS if models is None else PRIVATE_THREADS & set(models)
        ):
            Model = self.env[model].with_context(active_test=False)
            readable = Domain.FALSE
            if Model.has_access("read"):
                ids = Domain("id", "in", res_ids) if res_ids else Domain.TRUE
                readable = Domain("res_id", "in", Model._search(ids))
            domain &= Domain("res_model", "!=", model) | readable
        return super()._search(domain, offset, limit, order, **kwargs)

    def _check_access(self, operation):
        result = super()._check_access(operation)
        if operation != "read" or self.env.su or not self:
            return result
        forbidden = self.browse()
        for model, followers in self.sudo().grouped("res_model").items():
            if model not in PRIVATE_THREADS:
                continue
            documents = self.env[model].with_context(active_test=False)
            readable = documents.browse(followers.mapped("res_id")).exists()
            readable = set(readable._filtered_access("read").ids)
            forbidden |= followers.filtered(lambda f, ids=readable: f.res_id not in ids)
        return forbid_read(result, forbidden.sudo(False))
