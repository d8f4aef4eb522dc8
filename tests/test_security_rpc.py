"""Access through the real web server: JSON-2 (API keys) and JSON-RPC (sessions)."""

from datetime import date, datetime, timedelta
from http import HTTPStatus

from odoo.tests import HttpCase, get_db_name, new_test_user, tagged
from odoo.tools import mute_logger

from .common import AGENT_GROUPS, MANAGER_GROUPS

SENSITIVE = ["portfolio_id", "income_amount", "income_trend", "marital_status"]


@tagged("post_install", "-at_install")
class TestSecurityRpc(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent_a = new_test_user(cls.env, login="rpc_agent_a", groups=AGENT_GROUPS)
        cls.agent_b = new_test_user(cls.env, login="rpc_agent_b", groups=AGENT_GROUPS)
        cls.manager = new_test_user(cls.env, login="rpc_manager", groups=MANAGER_GROUPS)
        cls.plain = new_test_user(cls.env, login="rpc_plain", groups="base.group_user")
        # a back-office user who edits contacts, with no portfolio rights
        cls.clerk = new_test_user(
            cls.env,
            login="rpc_clerk",
            groups="base.group_user,base.group_partner_manager",
        )
        cls.portal = new_test_user(
            cls.env, login="rpc_portal", groups="base.group_portal"
        )
        Portfolio = cls.env["customer.portfolio"]
        book_a = Portfolio.create({"name": "RPC A", "agent_id": cls.agent_a.id})
        book_b = Portfolio.create({"name": "RPC B", "agent_id": cls.agent_b.id})
        cls.client_a = cls.env["res.partner"].create(
            {"name": "RPC Client A", "portfolio_id": book_a.id}
        )
        cls.client_b = cls.env["res.partner"].create(
            {"name": "RPC Client B", "portfolio_id": book_b.id}
        )
        Income = cls.env["customer.income.record"]
        for client in cls.client_a | cls.client_b:
            Income.create({"partner_id": client.id, "date": "2024-01-01", "amount": 9})
            Income.create({"partner_id": client.id, "date": "2025-01-01", "amount": 5})
        cls.income_b = cls.client_b.income_record_ids
        cls.keys = {
            user.login: user.with_user(user)
            .env["res.users.apikeys"]
            ._generate(
                scope="rpc",
                name="test",
                expiration_date=datetime.now() + timedelta(days=1),
            )
            for user in (
                cls.agent_a,
                cls.agent_b,
                cls.manager,
                cls.plain,
                cls.clerk,
                cls.portal,
            )
        }

    def json2(self, login, model, method, **params):
        headers = {"X-Odoo-Database": get_db_name()}
        if login:
            headers["Authorization"] = f"Bearer {self.keys[login]}"
        with mute_logger("odoo.http"):  # the denied calls are logged as warnings
            response = self.url_open(
                f"/json/2/{model}/{method}", json=params, headers=headers
            )
        return response.status_code, response.json()

    def assertDenied(self, status, body):
        self.assertNotEqual(status, HTTPStatus.OK, body)
        self.assertIn(
            body["name"], ("odoo.exceptions.AccessError", "odoo.exceptions.UserError")
        )

    def test_agent_reads_and_writes_own_clients_only(self):
        ids = (self.client_a | self.client_b).ids
        status, rows = self.json2(
            "rpc_agent_a", "res.partner", "search_read",
            domain=[("id", "in", ids)], fields=SENSITIVE,
        )  # fmt: skip
        self.assertEqual(status, HTTPStatus.OK, rows)
        self.assertEqual([row["id"] for row in rows], [self.client_a.id])
        self.assertEqual(rows[0]["income_trend"], "decreasing")
        self.assertDenied(
            *self.json2(
                "rpc_agent_a", "res.partner", "write",
                ids=self.client_b.ids, vals={"client_tier": "vip"},
            )
        )  # fmt: skip
        self.assertDenied(
            *self.json2(
                "rpc_agent_a", "customer.income.record", "read",
                ids=self.income_b.ids, fields=["amount"],
            )
        )  # fmt: skip
        # grouped counts never include the other agent's clients
        status, groups = self.json2(
            "rpc_agent_a", "res.partner", "formatted_read_group",
            domain=[("portfolio_id", "!=", False)], groupby=["income_trend"],
            aggregates=["__count"],
        )  # fmt: skip
        self.assertEqual(status, HTTPStatus.OK, groups)
        self.assertEqual(sum(group["__count"] for group in groups), 1)

    def test_manager_sees_every_client(self):
        status, rows = self.json2(
            "rpc_manager", "res.partner", "search_read",
            domain=[("id", "in", (self.client_a | self.client_b).ids)],
            fields=["income_amount"],
        )  # fmt: skip
        self.assertEqual(status, HTTPStatus.OK, rows)
        self.assertEqual(len(rows), 2)

    def test_internal_user_without_rights_sees_no_register(self):
        client = self.client_b.ids
        # the contact itself is a plain contact to them ...
        status, rows = self.json2(
            "rpc_plain", "res.partner", "read", ids=client, fields=["name"]
        )
        self.assertEqual((status, rows[0]["name"]), (HTTPStatus.OK, "RPC Client B"))
        # ... its register is not: no read, search, group, order or field list
        for field in SENSITIVE + ["income_record_ids", "life_event_ids", "offer_ids"]:
            self.assertDenied(
                *self.json2(
                    "rpc_plain", "res.partner", "read", ids=client, fields=[field]
                )
            )
        self.assertDenied(
            *self.json2(
                "rpc_plain", "res.partner", "search_count",
                domain=[("income_trend", "=", "decreasing")],
            )
        )  # fmt: skip
        for groupby in ("portfolio_id", "income_trend"):
            self.assertDenied(
                *self.json2(
                    "rpc_plain", "res.partner", "formatted_read_group",
                    domain=[], groupby=[groupby], aggregates=["__count"],
                )
            )  # fmt: skip
        self.assertDenied(
            *self.json2(
                "rpc_plain", "res.partner", "search",
                domain=[("id", "in", client)], order="income_amount desc",
            )
        )  # fmt: skip
        status, fields = self.json2(
            "rpc_plain", "res.partner", "fields_get", attributes=["type"]
        )
        self.assertEqual(status, HTTPStatus.OK)
        self.assertFalse(set(SENSITIVE) & set(fields))
        self.assertDenied(
            *self.json2(
                "rpc_plain", "res.partner", "export_data",
                ids=client, fields_to_export=["income_amount"],
            )
        )  # fmt: skip
        for model in (
            "customer.income.record",
            "customer.life.event",
            "customer.offer",
        ):
            self.assertDenied(
                *self.json2("rpc_plain", model, "search_read", domain=[], fields=["id"])
            )

    def test_portal_and_public_see_nothing(self):
        self.assertDenied(
            *self.json2(
                "rpc_portal", "res.partner", "read",
                ids=self.client_a.ids, fields=["name"],
            )
        )  # fmt: skip
        self.assertDenied(
            *self.json2(
                "rpc_portal", "customer.portfolio", "search_read",
                domain=[], fields=["name"],
            )
        )  # fmt: skip
        status, body = self.json2(
            None, "res.partner", "read", ids=self.client_a.ids, fields=["name"]
        )
        self.assertEqual(status, HTTPStatus.UNAUTHORIZED, body)
        # a public visitor has no session to call the web client's RPC with
        response = self.url_open(
            "/web/dataset/call_kw/res.partner/read",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "params": {
                    "model": "res.partner",
                    "method": "read",
                    "args": [self.client_a.ids, ["income_amount"]],
                    "kwargs": {},
                },
            },
        )
        self.assertIn("error", response.json())
        self.assertNotIn("result", response.json())

    def test_chatter_hides_tracked_register_values(self):
        """The contact's chatter is open to any internal user: the tracking of
        register fields (groups) must not show there."""
        # the clients were created in this transaction: close it for tracking
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.client_b.write(
            {"marital_status": "married", "children_count": 2, "client_tier": "vip"}
        )
        self.env.flush_all()
        self.env.cr.precommit.run()
        tracked = self.env["mail.tracking.value"].search(
            [
                ("mail_message_id.model", "=", "res.partner"),
                ("mail_message_id.res_id", "=", self.client_b.id),
            ]
        )
        self.assertTrue(
            {"client_tier", "marital_status"} <= set(tracked.field_id.mapped("name"))
        )

        def chatter_fields(login):
            return {
                tracking["fieldInfo"]["changedField"]
                for message in self._chatter_messages(login, self.client_b)
                for tracking in message.get("trackingValues", [])
            }

        self.assertFalse(
            {"Marital Status", "Children", "Client Tier"} & chatter_fields("rpc_plain")
        )
        self.assertIn("Client Tier", chatter_fields("rpc_manager"))

    def _chatter_messages(self, login, thread):
        """The messages the chatter shows ``login`` on ``thread``."""
        self.authenticate(login, login)
        data = self.make_jsonrpc_request(
            "/mail/thread/messages",
            {"thread_model": thread._name, "thread_id": thread.id},
        )
        return data["data"]["mail.message"]

    def _chatter(self, login, thread):
        """The text of the messages the chatter shows ``login`` on ``thread``."""
        return " ".join(
            str(message["body"]) for message in self._chatter_messages(login, thread)
        )

    def _activity_ids(self, login, thread):
        status, rows = self.json2(
            login, "mail.activity", "search_read",
            domain=[("res_model", "=", thread._name), ("res_id", "=", thread.id)],
            fields=["summary", "note"],
        )  # fmt: skip
        self.assertEqual(status, HTTPStatus.OK, rows)
        return [row["id"] for row in rows]

    def test_register_activities_stay_with_the_book(self):
        """The income review planned on a client, and the message left when it
        is done, are for the agent and the manager, not for anyone who can open
        the contact."""
        review = self.env.ref("customer_portfolio.mail_activity_type_income_review")
        activity = self.client_b.activity_ids.filtered(
            lambda act: act.activity_type_id == review
        )
        self.assertEqual(activity.user_id, self.agent_b)
        self.assertEqual(self._activity_ids("rpc_clerk", self.client_b), [])
        self.assertEqual(self._activity_ids("rpc_agent_a", self.client_b), [])
        self.assertEqual(self._activity_ids("rpc_agent_b", self.client_b), activity.ids)
        self.assertEqual(self._activity_ids("rpc_manager", self.client_b), activity.ids)
        self.assertDenied(
            *self.json2(
                "rpc_clerk", "mail.activity", "read", ids=activity.ids, fields=["note"]
            )
        )
        status, rows = self.json2(
            "rpc_clerk", "res.partner", "read",
            ids=self.client_b.ids, fields=["activity_ids", "activity_state"],
        )  # fmt: skip
        self.assertEqual(status, HTTPStatus.OK, rows)
        self.assertEqual(
            (rows[0]["activity_ids"], rows[0]["activity_state"]), ([], False)
        )
        # an activity of their own on the contact stays theirs
        todo = self.client_b.activity_schedule(
            "mail.mail_activity_data_todo", user_id=self.clerk.id
        )
        self.assertEqual(self._activity_ids("rpc_clerk", self.client_b), todo.ids)

        self.client_b.message_post(body="Met at the fair", subtype_xmlid="mail.mt_note")
        activity.with_user(self.agent_b).action_feedback(feedback="Lost her job")
        for login in ("rpc_plain", "rpc_clerk"):
            chatter = self._chatter(login, self.client_b)
            self.assertIn("Met at the fair", chatter)
            self.assertNotIn("Lost her job", chatter)
        self.assertIn("Lost her job", self._chatter("rpc_agent_b", self.client_b))
        self.assertIn("Lost her job", self._chatter("rpc_manager", self.client_b))

    def test_risk_area_activity_is_for_its_agent(self):
        """The activity listing an agent's clients in a risk area, and its done
        message, are not shown to the other agents, who read the area too."""
        self.client_b.city = "Quake Town"
        area = self.env["customer.location.risk"].create(
            {"name": "Quake", "city": "Quake Town", "date_start": date.today()}
        )
        activity = self.env["mail.activity"].search(
            [("res_model", "=", area._name), ("res_id", "=", area.id)]
        )
        self.assertEqual(activity.user_id, self.agent_b)
        self.assertIn("RPC Client B", str(activity.note))
        self.assertEqual(self._activity_ids("rpc_agent_a", area), [])
        self.assertEqual(self._activity_ids("rpc_agent_b", area), activity.ids)
        self.assertEqual(self._activity_ids("rpc_manager", area), activity.ids)
        activity.with_user(self.agent_b).action_feedback(feedback="Called them all")
        self.assertNotIn("Called them all", self._chatter("rpc_agent_a", area))
        self.assertIn("Called them all", self._chatter("rpc_manager", area))
