from odoo import models

# Fields of other apps that a document computes from its contact as the user:
# an agent would get an access error on a team's order that names another
# agent's client. Computed as superuser, as a bridge module would declare them
# (compute_sudo=True); the module depends on none of those apps.
SUDO_COMPUTED_FIELDS = frozenset({("sale.order", "sale_warning_text")})
# the contact fields mail and its apps (crm: the commercial entity) read to
# suggest the recipients of a document
NAMED_CONTACT_FIELDS = [
    "name",
    "email",
    "email_normalized",
    "active",
    "partner_share",
    "is_company",
    "commercial_partner_id",
]


class MailThread(models.AbstractModel):
    """Documents of other apps that name another agent's client still open.

    Odoo's apps read a document's contact as the user, as if every internal
    user read every contact; an agent may not read another agent's client,
    and a team's lead or order on that client would fail to open. What the
    document shows of its contact anyway is read as superuser: the fields of
    ``SUDO_COMPUTED_FIELDS``, and the name and email of the followers and
    customers ``mail`` suggests as recipients (as it reads the followers).
    The contact itself and its register stay out of reach, and the contacts
    found from email addresses are still searched as the user, so that an
    address typed on a document tells nothing of the contacts they may not
    read.
    """

    _inherit = "mail.thread"

    def _compute_field_value(self, field):
        if not self.env.su and (field.model_name, field.name) in SUDO_COMPUTED_FIELDS:
            return super(MailThread, self.sudo())._compute_field_value(field)
        return super()._compute_field_value(field)

    def _message_get_suggested_recipients_batch(self, *args, **kwargs):
        if not self.env.su:
            threads = self.sudo()
            named = threads.message_partner_ids
            for partners in threads._mail_get_partners().values():
                named |= partners
            (named | named.commercial_partner_id).fetch(NAMED_CONTACT_FIELDS)
        return super()._message_get_suggested_recipients_batch(*args, **kwargs)
