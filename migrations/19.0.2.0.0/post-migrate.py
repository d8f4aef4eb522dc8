"""19.0.2.0.0: the register's privacy on activities and messages moves from
read rules on mail.activity and mail.message (evaluated by every chatter of
every user) to the access hooks of ``mail`` (see models/mail_activity.py and
models/mail_message.py). The rules were noupdate: delete them explicitly.

The agents' rules on the register records no longer open the records of
contacts outside every portfolio (ex-clients) to every agent: noupdate too,
their domain is rewritten here.
"""

from odoo import SUPERUSER_ID, api

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
