"""19.0.2.0.0, on data the firm may have edited (noupdate):

- the register's privacy on activities and messages moves from read rules on
  mail.activity and mail.message (evaluated by every chatter of every user) to
  the access hooks of ``mail`` (see models/mail_activity.py and
  models/mail_message.py): the rules are deleted;
- the agents' rules on the register records no longer open the records of
  contacts outside every portfolio (ex-clients) to every agent: their domain
  is rewritten;
- the offer emails carry an unsubscribe link: the footer with the link is
  added, in every language, to the offer mail templates that do not have it
  yet, the rest of their text staying as it is (the footer's translation comes
  with the module's terms, loaded after this script);
- the *Income Review* activity type gets the icon of a falling income, unless
  it was changed.
"""

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

OWN_BOOK = "[('partner_id.portfolio_id.agent_id', '=', user.id)]"
AGENT_RULES = (
    "customer_portfolio.customer_income_record_rule_agent",
    "customer_portfolio.customer_income_trend_rule_agent",
    "customer_portfolio.customer_life_event_rule_agent",
    "customer_portfolio.customer_offer_rule_agent",
)
OLD_RULES = (
    "mail_activity_rule_portfolio_assignee",
    "mail_activity_rule_portfolio_user",
    "mail_activity_rule_portfolio_agent",
    "mail_activity_rule_portfolio_manager",
    "mail_message_rule_portfolio_author",
    "mail_message_rule_portfolio_user",
    "mail_message_rule_portfolio_agent",
    "mail_message_rule_portfolio_manager",
)
OFFER_MAIL_TEMPLATES = ("mail_template_offer", "mail_template_offer_birthday")
UNSUBSCRIBE_FOOTER = (
    '<p t-if="object.partner_id.offer_unsubscribe_url" '
    'style="font-size: 12px; color: #888888;">'
    "You no longer wish to receive our offers by email? "
    '<a t-att-href="object.partner_id.offer_unsubscribe_url" '
    'style="color: #888888;">Unsubscribe</a></p>'
)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    data = env["ir.model.data"].search(
        [
            ("module", "=", "customer_portfolio"),
            ("model", "=", "ir.rule"),
            ("name", "in", OLD_RULES),
        ]
    )
    env["ir.rule"].browse(data.mapped("res_id")).exists().unlink()
    data.unlink()
    for xmlid in AGENT_RULES:
        rule = env.ref(xmlid, raise_if_not_found=False)
        if rule:
            rule.domain_force = OWN_BOOK
    env.execute_query(
        SQL(
            """
            UPDATE mail_template template
               SET body_html = (
                       SELECT jsonb_object_agg(
                                  lang, regexp_replace(body, '</div>\\s*$', %(footer)s))
                         FROM jsonb_each_text(template.body_html) AS b(lang, body)),
                   write_uid = %(uid)s,
                   write_date = %(now)s
              FROM ir_model_data data
             WHERE data.model = 'mail.template' AND data.res_id = template.id
               AND data.module = 'customer_portfolio' AND data.name IN %(names)s
               AND template.body_html::text NOT LIKE '%%offer_unsubscribe_url%%'
            """,
            footer=UNSUBSCRIBE_FOOTER + "</div>",
            names=OFFER_MAIL_TEMPLATES,
            uid=env.uid,
            now=env.cr.now(),
        )
    )
    env["mail.template"].invalidate_model(["body_html", "write_uid", "write_date"])
    review = env.ref(
        "customer_portfolio.mail_activity_type_income_review", raise_if_not_found=False
    )
    if review and review.icon == "fa-line-chart":
        review.icon = "fa-arrow-down"
