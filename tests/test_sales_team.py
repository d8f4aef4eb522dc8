"""Odoo's CRM and Sales for an agent who is also a salesperson of a team.

An agent does not see another agent's clients; the team's leads and orders
that name them must still open, over the web client's RPC, without opening
the client itself. Needs crm and sale_management: ``scripts/test.sh`` runs it
on a database of its own with them installed.
"""

import ast
import unittest

from lxml import etree

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import AGENT_GROUPS

SALESMAN = ",sales_team.group_sale_salesman_all_leads"
# what the chatter of a form asks for when it opens (mail's chatter_patch.js)
CHATTER_REQUEST = [
    "activities",
    "attachments",
    "contact_fields",
    "followers",
    "scheduledMessages",
    "suggestedRecipients",
]


def read_specification(node, model, models):
    """The ``web_read`` specification the web client builds from a view's
    arch: the fields of ``node`` (not those of the subviews), a many2one with
    its display name, an x2many with its subview's fields or its tags'."""
    spec = {}
    for child in node.iterchildren(tag=etree.Element):
        if child.tag != "field":
            spec.update(read_specification(child, model, models))
            continue
        name = child.get("name")
        info = models[model]["fields"][name]
        invisible = child.get("invisible") in ("1", "True")
        if info["type"] == "many2one":
            spec[name] = {"fields": {} if invisible else {"display_name": {}}}
        elif info["type"] in ("one2many", "many2many") and not invisible:
            subviews = [c for c in child if c.tag in ("list", "kanban")]
            spec[name] = {
                "fields": read_specification(subviews[0], info["relation"], models)
                if subviews
                else {"display_name": {}}
            }
        else:
            spec[name] = {}
    return spec


@tagged("post_install", "-at_install")
class TestSalesTeam(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not {"crm.lead", "sale.order"} <= set(cls.env.registry):
            raise unittest.SkipTest(
                "crm and sale_management are not installed: scripts/test.sh runs "
                "this test on a database with crm and sale_management"
            )
        env = cls.env
        cls.agent_a = new_test_user(
            env, login="team_agent_a", groups=AGENT_GROUPS + SALESMAN
        )
        cls.agent_b = new_test_user(
            env, login="team_agent_b", groups=AGENT_GROUPS + SALESMAN
        )
        cls.team = env["crm.team"].create(
            {
                "name": "Portfolio Team",
                "member_ids": [Command.set((cls.agent_a | cls.agent_b).ids)],
            }
        )
        product = env["product.product"].create({"name": "Team Plan", "list_price": 9})
        cls.leads, cls.orders = {}, {}
        for agent in (cls.agent_a, cls.agent_b):
            book = env["customer.portfolio"].create(
                {"name": f"Book of {agent.login}", "agent_id": agent.id}
            )
            client = env["res.partner"].create(
                {
                    "name": f"Client of {agent.login}",
                    "portfolio_id": book.id,
                    "email": f"client.{agent.login}@example.com",
                    "phone": "+358 40 123 4567",
                    "sale_warn_msg": "Pays late",
                }
            )
            values = {"partner_id": client.id, "team_id": cls.team.id}
            cls.leads[agent] = env["crm.lead"].create(
                {
                    **values,
                    "name": f"Deal with {client.name}",
                    "type": "opportunity",
                    "user_id": agent.id,
                }
            )
            cls.orders[agent] = env["sale.order"].create(
                {
                    **values,
                    "user_id": agent.id,
                    "order_line": [Command.create({"product_id": product.id})],
                }
            )
        cls.client_b = cls.leads[cls.agent_b].partner_id
        cls.orders[cls.agent_b].action_confirm()

    def post(self, route, params):
        """The answer to a JSON-RPC call of ``route`` on the current session."""
        with mute_logger("odoo.http"):
            return self.url_open(
                route, json={"jsonrpc": "2.0", "method": "call", "params": params}
            ).json()

    def rpc(self, route, params):
        """Call ``route`` as the web client does; fail on an error."""
        answer = self.post(route, params)
        if "error" in answer:
            error = answer["error"]["data"]
            self.fail(f"{route} {params}: {error['name']}\n{error['debug']}")
        return answer["result"]

    def call_kw(self, model, method, *args, **kwargs):
        return self.rpc(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def open_action(self, xmlid):
        """The views of an action as the web client loads them: (domain,
        {view type: (arch, read specification)})."""
        action = self.rpc("/web/action/load", {"action_id": xmlid})
        model = action["res_model"]
        loaded = self.call_kw(
            model, "get_views",
            views=[*action["views"], [False, "search"]],
            options={"action_id": action["id"], "load_filters": True, "toolbar": True},
        )  # fmt: skip
        views = {}
        for view_type, view in loaded["views"].items():
            arch = etree.fromstring(view["arch"])
            views[view_type] = (arch, read_specification(arch, model, loaded["models"]))
        domain = action.get("domain") or "[]"
        return ast.literal_eval(domain) if isinstance(domain, str) else domain, views

    def assertNamesClientB(self, rows, document, what):
        """The row of ``document`` among ``rows`` names agent B's client."""
        row = next((row for row in rows if row["id"] == document.id), None)
        self.assertTrue(row, f"{what}: {document.display_name} is not listed")
        self.assertEqual(
            row["partner_id"]["display_name"], self.client_b.display_name, what
        )

    def open_lists(self, xmlid, document):
        """Agent A opens the kanban and list views of an action on the team's
        records: no error, and ``document`` names agent B's client."""
        model = document._name
        domain, views = self.open_action(xmlid)
        domain = [*domain, ("team_id", "=", self.team.id)]
        opened = 0
        for view_type in ("kanban", "list"):
            if view_type not in views:
                continue
            arch, spec = views[view_type]
            group_by = arch.get("default_group_by")
            if group_by:
                answer = self.call_kw(
                    model, "web_read_group", domain, [group_by],
                    auto_unfold=True, unfold_read_specification=spec,
                    unfold_read_default_limit=40,
                )  # fmt: skip
                rows = [row for group in answer["groups"]
                        for row in group.get("__records", [])]  # fmt: skip
            else:
                rows = self.call_kw(
                    model, "web_search_read", domain, spec, limit=80
                )["records"]  # fmt: skip
            self.assertNamesClientB(rows, document, f"{xmlid} {view_type}")
            opened += 1
        self.assertTrue(opened, f"{xmlid} has no kanban or list view")
        return views

    def open_form(self, views, document):
        """Agent A opens the form of ``document`` and its chatter, edits it
        as the web client does and saves it."""
        model = document._name
        __, spec = views["form"]
        [values] = self.call_kw(model, "web_read", document.ids, specification=spec)
        self.assertNamesClientB([values], document, f"{model} form")
        self.rpc(
            "/mail/data",
            {"fetch_params": [["mail.thread", {
                "thread_model": model, "thread_id": document.id,
                "request_list": CHATTER_REQUEST,
            }]]},
        )  # fmt: skip
        self.rpc(
            "/mail/thread/messages", {"thread_model": model, "thread_id": document.id}
        )
        edit = {"crm.lead": "description", "sale.order": "client_order_ref"}[model]
        self.call_kw(
            model, "onchange", document.ids, {edit: "Called"}, [edit], spec
        )  # fmt: skip
        self.call_kw(model, "web_save", document.ids, {edit: "Called"},
                     specification=spec)  # fmt: skip
        document.invalidate_recordset([edit])
        self.assertIn("Called", str(document[edit]))
        return values

    def test_agent_opens_the_team_pipeline_and_orders(self):
        """Agent A opens the team's pipeline and orders, then agent B's lead
        and order, as the web client does."""
        self.authenticate("team_agent_a", "team_agent_a")
        lead_b = self.leads[self.agent_b]
        order_b = self.orders[self.agent_b]
        views = self.open_lists("crm.crm_lead_action_pipeline", lead_b)
        self.open_form(views, lead_b)
        self.open_lists("sale.action_quotations_with_onboarding", order_b)
        views = self.open_lists("sale.action_orders", order_b)
        values = self.open_form(views, order_b)
        # the client's sales warning, on an order of a client they may not read
        self.assertIn("Pays late", values["sale_warning_text"])

    def test_agent_still_cannot_open_the_other_client(self):
        self.authenticate("team_agent_a", "team_agent_a")
        client = self.client_b.ids
        for method, kwargs in (
            ("read", {"fields": ["name"]}),
            ("web_read", {"specification": {"display_name": {}}}),
            ("web_read", {"specification": {"income_trend": {}}}),
        ):
            answer = self.post(
                f"/web/dataset/call_kw/res.partner/{method}",
                {"model": "res.partner", "method": method, "args": [client],
                 "kwargs": kwargs},
            )  # fmt: skip
            self.assertEqual(
                answer.get("error", {}).get("data", {}).get("name"),
                "odoo.exceptions.AccessError",
                f"{method} {kwargs}: {answer}",
            )
        found = self.call_kw("res.partner", "search_count", [("id", "in", client)])
        self.assertEqual(found, 0)
