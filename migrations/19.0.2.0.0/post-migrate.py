"""19.0.2.0.0: the offer emails carry an unsubscribe link.

The offer mail templates are data the firm may have edited (noupdate): the
footer with the link is added, in every language, only to those that do not
have it yet; the rest of their text stays as it is. The footer's translation
comes with the module's terms, loaded after this script.
"""

from odoo.tools import SQL

TEMPLATES = ("mail_template_offer", "mail_template_offer_birthday")
FOOTER = (
    '<p t-if="object.partner_id.offer_unsubscribe_url" '
    'style="font-size: 12px; color: #888888;">'
    "You no longer wish to receive our offers by email? "
    '<a t-att-href="object.partner_id.offer_unsubscribe_url" '
    'style="color: #888888;">Unsubscribe</a></p>'
)


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        SQL(
            """
            UPDATE mail_template template
               SET body_html = (
                       SELECT jsonb_object_agg(
                                  lang, regexp_replace(body, '</div>\\s*$', %(footer)s))
                         FROM jsonb_each_text(template.body_html) AS b(lang, body))
              FROM ir_model_data data
             WHERE data.model = 'mail.template' AND data.res_id = template.id
               AND data.module = 'customer_portfolio' AND data.name IN %(names)s
               AND template.body_html::text NOT LIKE '%%offer_unsubscribe_url%%'
            """,
            footer=FOOTER + "</div>",
            names=TEMPLATES,
        )
    )
