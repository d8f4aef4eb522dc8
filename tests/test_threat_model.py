"""The threat model of README.md, checked over the real web server (JSON-2).

One declarative table says, for each role, what it may do with each model of
the module, each field of the client register on ``res.partner``, the system
fields agents may not write, and each public method. The tables are compared
with the models themselves: a new model, register field, stored field of a
register model or public method that nobody classified makes the test fail.
"""

import inspect
from datetime import date, datetime, timedelta
from http import HTTPStatus

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, get_db_name, new_test_user, tagged
from odoo.tools import mute_logger

from .common import AGENT_GROUPS, MANAGER_GROUPS

# export is a right of its own: given to all, so that the fields decide
EXPORT = ",base.group_allow_export"

MODULE = "customer_portfolio"

# Roles, acting on the records of agent A's book (``own`` is agent A)
ROLES = ("own", "other", "manager", "manager2", "plain", "clerk", "portal")

# model -> role -> operations allowed on a record of agent A's book (c: create
# a record of the model at all, r/w/u: read/write/unlink that record)
CRUD = {
    "customer.portfolio": {"own": "rw", "manager": "crwu", "manager2": "c"},
    "customer.income.record": {
        "own": "crwu",
        "other": "c",
        "manager": "crwu",
        "manager2": "c",
    },
    "customer.income.trend": {"own": "r", "manager": "r"},
    "customer.life.event": {
        "own": "crwu",
        "other": "c",
        "manager": "crwu",
        "manager2": "c",
    },
    "customer.offer": {"own": "crw", "other": "c", "manager": "crwu", "manager2": "c"},
    "customer.location.risk": {
        "own": "r",
        "other": "r",
        "manager": "crwu",
        "manager2": "c",
    },
    "customer.offer.category": {
        "own": "r",
        "other": "r",
        "manager": "crwu",
        "manager2": "crwu",
    },
    "customer.offer.month": {"own": "r", "other": "r", "manager": "r", "manager2": "r"},
    "customer.offer.template": {
        "own": "r",
        "other": "r",
        "manager": "crwu",
        "manager2": "c",
    },
    "customer.segment": {"own": "r", "other": "r", "manager": "crwu", "manager2": "c"},
    "customer.portfolio.agent.history": {"own": "r", "manager": "rcu", "manager2": "c"},
    "customer.portfolio.snapshot": {"own": "r", "manager": "ru"},
    "customer.occasion": {"own": "r", "manager": "r"},
    "customer.portfolio.report": {"manager": "r"},
    "customer.offer.target.report": {"manager": "r"},
    "customer.portfolio.transfer": {"manager": "crwu", "manager2": "c"},
    "customer.product.line": {
        "own": "r",
        "other": "r",
        "manager": "crwu",
        "manager2": "c",
    },
    "customer.holding": {
        "own": "crw",
        "other": "c",
        "manager": "crwu",
        "manager2": "c",
    },
    "customer.cross.sell.report": {"own": "r", "manager": "r"},
    "customer.erasure.log": {"manager": "r"},
    # the offer engine's work queue: the scheduled actions' only
    "customer.offer.batch": {},
    # the client itself: a plain contact to every internal user
    "res.partner": {
        "own": "crwu",
        "other": "c",
        "manager": "crwu",
        "manager2": "c",
        "plain": "r",
        "clerk": "crwu",
    },
}

# The fields this module adds to res.partner
REGISTER = "register"  # portfolio users: their own book, managers their companies
ACTIVITY = "activity"  # mail's activity fields, private for register activities
PARTNER_FIELDS = {
    **dict.fromkeys(
        [
            "portfolio_id", "portfolio_agent_id", "client_tier", "portfolio_opt_out",
            "agent_history_ids", "birthdate", "birthday_month", "birthday_day",
            "age", "days_to_birthday", "client_since", "client_since_month",
            "client_since_day", "marital_status", "marital_status_manual",
            "marital_status_manual_seq", "children_count", "children_count_manual",
            "is_retired", "is_retired_manual", "lifecycle_stage",
            "lifecycle_stage_manual", "lifecycle_stage_derived", "life_event_ids",
            "income_record_ids", "income_currency_id", "income_amount",
            "income_trend", "income_trend_pct", "location_risk_ids",
            "location_risk_level", "is_target_client", "segment_id", "offer_ids",
            "offer_count", "days_to_anniversary", "holding_ids", "holding_count",
            "cross_sell_line_ids", "cross_sell_count", "offer_consent",
            "offer_consent_date", "offer_consent_source", "offer_channel",
            "offer_unsubscribe_url",
        ],
        REGISTER,
    ),
    **dict.fromkeys(
        ["activity_ids", "activity_type_id", "activity_summary", "activity_type_icon"],
        ACTIVITY,
    ),
    # the normalised city and ZIP of clients: who is a client, so the register's
    "location_city_key": REGISTER,
    "location_zip_key": REGISTER,
}  # fmt: skip

# role -> what a register field of agent A's client gives: "ok" (the value),
# "hidden" (the client is out of sight: no row, no count) or "denied" (an
# access error: the field is not theirs at all)
REGISTER_OUTCOME = {
    "own": "ok",
    "other": "hidden",
    "manager": "ok",
    "manager2": "hidden",
    "plain": "denied",
    "clerk": "denied",
    "portal": "denied",
}

# Fields of the register models an agent writes on their own records; every
# other stored field is a system field (set by the system or a manager's tool).
# Through a one2many, each command is checked by the lines' model.
AGENT_WRITES = {
    "customer.income.record": {"partner_id", "date", "amount", "currency_id", "note"},
    "customer.life.event": {"partner_id", "date", "event_type", "note"},
    "customer.offer": {"date_start", "date_end", "interest_rate"},
    "customer.holding": {
        "partner_id", "product_line_id", "name", "date_start", "date_end",
        "amount", "currency_id", "state",
    },
    "customer.portfolio": {
        "name", "active", "color", "hotline_phone", "description",
        "target_share_min", "target_share_max", "partner_ids",
    },
    "res.partner": {
        "portfolio_id", "client_tier", "portfolio_opt_out", "birthdate",
        "client_since", "marital_status", "marital_status_manual",
        "marital_status_manual_seq", "children_count", "children_count_manual",
        "is_retired", "is_retired_manual", "lifecycle_stage",
        "lifecycle_stage_manual", "birthday_month", "birthday_day",
        "client_since_month", "client_since_day", "lifecycle_stage_derived",
        "income_record_ids", "life_event_ids", "offer_ids", "holding_ids",
        "offer_consent", "offer_consent_date", "offer_consent_source",
        "offer_channel",
    },
}  # fmt: skip

# Public methods: who may call them. "agent": an agent on their own records
# (on another's, the record is out of reach); "manager": managers only;
# "window": opens a view, reads nothing (the view reads through the rules);
# "orm": an override of the ORM, checked by the CRUD table above.
MANAGER, AGENT, WINDOW, ORM = "manager", "agent", "window", "orm"
METHODS = {
    ("customer.client.record", "onchange"): ORM,
    ("customer.client.record", "create"): ORM,
    ("customer.client.record", "write"): ORM,
    ("customer.income.record", "onchange"): ORM,
    ("customer.income.record", "create"): ORM,
    ("customer.income.record", "write"): ORM,
    ("customer.income.record", "unlink"): ORM,
    ("customer.life.event", "onchange"): ORM,
    ("customer.life.event", "create"): ORM,
    ("customer.life.event", "write"): ORM,
    ("customer.location.risk", "create"): ORM,
    ("customer.location.risk", "write"): ORM,
    ("customer.location.risk", "unlink"): ORM,
    ("customer.location.risk", "action_open_partners"): WINDOW,
    ("customer.offer", "onchange"): ORM,
    ("customer.offer", "create"): ORM,
    ("customer.offer", "write"): ORM,
    ("customer.offer", "action_send"): AGENT,
    ("customer.offer", "action_accept"): AGENT,
    ("customer.offer", "action_decline"): AGENT,
    ("customer.offer", "action_cancel"): AGENT,
    ("customer.offer", "action_reset_draft"): AGENT,
    ("customer.offer", "generate_offers"): AGENT,  # another day: MANAGER
    ("customer.offer.template", "action_view_offers"): WINDOW,
    ("customer.portfolio", "write"): ORM,
    ("customer.portfolio", "action_open_clients"): WINDOW,
    ("customer.portfolio", "action_open_snapshots"): WINDOW,
    ("customer.portfolio.today", "get_dashboard"): AGENT,
    ("customer.segment", "create"): ORM,
    ("customer.segment", "write"): ORM,
    ("customer.segment", "unlink"): ORM,
    ("customer.segment", "action_recompute_segments"): MANAGER,
    ("customer.segment", "action_open_clients"): WINDOW,
    ("customer.occasion", "action_open_partner"): WINDOW,
    ("customer.offer.target.report", "init"): ORM,
    ("customer.portfolio.report", "init"): ORM,
    ("customer.portfolio.transfer", "default_get"): ORM,
    ("customer.portfolio.transfer", "action_transfer"): MANAGER,
    ("res.config.settings", "set_values"): ORM,
    ("res.partner", "onchange"): ORM,
    ("res.partner", "create"): ORM,
    ("res.partner", "write"): ORM,
    ("res.partner", "record_life_event"): AGENT,
    ("res.partner", "action_view_offers"): WINDOW,
    ("res.partner", "action_view_holdings"): WINDOW,
    ("res.partner", "action_export_register"): AGENT,
    ("res.partner", "action_erase_personal_data"): MANAGER,
    ("customer.holding", "onchange"): ORM,
    ("customer.holding", "create"): ORM,
    ("customer.holding", "write"): ORM,
    ("customer.holding", "action_renew"): AGENT,
    ("customer.holding", "action_end"): AGENT,
    ("customer.holding", "action_reactivate"): AGENT,
    ("customer.cross.sell.report", "init"): ORM,
}
# the types of the tracked fields the chatter test changes
TRACKED_TYPES = ("char", "selection", "boolean", "integer", "date")
LOG_FIELDS = ("id", "create_uid", "create_date", "write_uid", "write_date")
DENIED = ("odoo.exceptions.AccessError", "odoo.exceptions.UserError")


def module_public_methods(env):
    """(model, method) of the public methods this module defines or overrides."""
    found = set()
    for model_name in env.registry:
        for cls in type(env[model_name]).__mro__:
            if getattr(cls, "_module", None) != MODULE:
                continue
            for name, member in vars(cls).items():
                if (
                    not name.startswith("_")
                    and inspect.isfunction(member)
                    and not getattr(member, "_api_private", False)
                ):
                    found.add((model_name, name))
    return found


@tagged("post_install", "-at_install")
class TestThreatModel(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        company2 = env["res.company"].create({"name": "Other Bank"})
        cls.users = {
            "own": new_test_user(env, login="tm_own", groups=AGENT_GROUPS + EXPORT),
            "other": new_test_user(env, login="tm_other", groups=AGENT_GROUPS + EXPORT),
            "manager": new_test_user(
                env, login="tm_manager", groups=MANAGER_GROUPS + EXPORT
            ),
            "manager2": new_test_user(
                env,
                login="tm_manager2",
                groups=MANAGER_GROUPS + EXPORT,
                company_id=company2.id,
                company_ids=[Command.set(company2.ids)],
            ),
            "plain": new_test_user(
                env, login="tm_plain", groups="base.group_user" + EXPORT
            ),
            "clerk": new_test_user(
                env,
                login="tm_clerk",
                groups="base.group_user,base.group_partner_manager" + EXPORT,
            ),
            "portal": new_test_user(env, login="tm_portal", groups="base.group_portal"),
        }
        own = cls.users["own"]
        cls.portfolio = env["customer.portfolio"].create(
            {"name": "TM Book", "agent_id": own.id}
        )
        env["customer.portfolio"].create(
            {"name": "TM Other", "agent_id": cls.users["other"].id}
        )
        cls.client = env["res.partner"].create(
            {
                "name": "TM Client",
                "city": "Quake Town",
                "portfolio_id": cls.portfolio.id,
                "birthdate": date.today() - timedelta(days=40 * 365),
                "client_since": date.today() - timedelta(days=400),
            }
        )
        Income = env["customer.income.record"]
        for day, amount in (("2024-01-01", 10), ("2025-01-01", 5)):
            Income.create({"partner_id": cls.client.id, "date": day, "amount": amount})
        event = env["customer.life.event"].create(
            {"partner_id": cls.client.id, "date": "2024-01-01", "event_type": "other"}
        )
        template = env["customer.offer.template"].create(
            {"name": "TM", "trigger": "manual", "company_id": env.company.id}
        )
        offer = env["customer.offer"].create(
            {"partner_id": cls.client.id, "template_id": template.id}
        )
        area = env["customer.location.risk"].create(
            {"name": "TM Quake", "city": "Quake Town", "date_start": date.today()}
        )
        env["customer.portfolio.snapshot"]._take_snapshot()
        history = env["customer.portfolio.agent.history"].create(
            {"partner_id": cls.client.id, "portfolio_id": cls.portfolio.id}
        )
        line = env["customer.product.line"].create(
            {"name": "TM Line", "category": "savings", "company_id": env.company.id}
        )
        holding = env["customer.holding"].create(
            {"partner_id": cls.client.id, "product_line_id": line.id}
        )
        # a package the client lacks a line of: a row of the coverage report
        gap_line = env["customer.product.line"].create(
            {"name": "TM Gap", "category": "card", "company_id": env.company.id}
        )
        cls.client.segment_id.product_line_ids = [Command.link(gap_line.id)]
        erasure = env["customer.erasure.log"].create({"partner_ref": 0})
        batch = env["customer.offer.batch"].create(
            {
                "template_id": template.id,
                "occasion_key": "tm",
                "date_start": date.today(),
                "date_end": date.today(),
                "partner_ids": cls.client.ids,
                "planned_at": datetime.now(),
            }
        )
        transfer = (
            env["customer.portfolio.transfer"]
            .with_user(cls.users["manager"])
            .create({"portfolio_id": cls.portfolio.id})
        )
        env.flush_all()

        def first(model, domain):
            return env[model].search(domain, limit=1)

        cls.records = {
            "customer.portfolio": cls.portfolio,
            "customer.income.record": cls.client.income_record_ids[:1],
            "customer.income.trend": first(
                "customer.income.trend", [("partner_id", "=", cls.client.id)]
            ),
            "customer.life.event": event,
            "customer.offer": offer,
            "customer.location.risk": area,
            "customer.offer.category": first("customer.offer.category", []),
            "customer.offer.month": first("customer.offer.month", []),
            "customer.offer.template": template,
            "customer.segment": first(
                "customer.segment", [("company_id", "=", env.company.id)]
            ),
            "customer.portfolio.agent.history": history,
            "customer.portfolio.snapshot": first(
                "customer.portfolio.snapshot", [("portfolio_id", "=", cls.portfolio.id)]
            ),
            "customer.occasion": first(
                "customer.occasion", [("partner_id", "=", cls.client.id)]
            ),
            "customer.portfolio.report": first(
                "customer.portfolio.report", [("partner_id", "=", cls.client.id)]
            ),
            "customer.offer.target.report": first(
                "customer.offer.target.report", [("partner_id", "=", cls.client.id)]
            ),
            "customer.portfolio.transfer": transfer,
            "customer.product.line": line,
            "customer.holding": holding,
            "customer.cross.sell.report": first(
                "customer.cross.sell.report", [("partner_id", "=", cls.client.id)]
            ),
            "customer.erasure.log": erasure,
            "customer.offer.batch": batch,
            "res.partner": cls.client,
        }
        cls.keys = {
            role: user.with_user(user)
            .env["res.users.apikeys"]
            ._generate(
                scope="rpc",
                name="threat model",
                expiration_date=datetime.now() + timedelta(days=1),
            )
            for role, user in cls.users.items()
        }

    def call(self, role, model, method, **params):
        headers = {"X-Odoo-Database": get_db_name()}
        if role:
            headers["Authorization"] = f"Bearer {self.keys[role]}"
        with mute_logger("odoo.http"):
            response = self.url_open(
                f"/json/2/{model}/{method}", json=params, headers=headers
            )
        return response.status_code, response.json()

    def assertOutcome(self, allowed, status, body, what):
        if allowed:
            self.assertEqual(status, HTTPStatus.OK, f"{what}: {body}")
        else:
            self.assertNotEqual(status, HTTPStatus.OK, f"{what}: {body}")
            self.assertIn(body.get("name"), DENIED, what)

    # ------------------------------------------------------------
    # The tables cover the module
    # ------------------------------------------------------------

    def test_tables_classify_everything(self):
        models = {
            name
            for name, model in self.env.registry.items()
            if model._original_module == MODULE and not model._abstract
        }
        self.assertEqual(models, set(CRUD) - {"res.partner"})
        partner_fields = {
            fname
            for fname, field in self.env["res.partner"]._fields.items()
            if MODULE in field._modules
        }
        self.assertEqual(partner_fields, set(PARTNER_FIELDS))
        for model, writable in AGENT_WRITES.items():
            fields = self.env[model]._fields
            unknown = writable - set(fields)
            self.assertFalse(unknown, f"{model}: {unknown}")
        self.assertEqual(module_public_methods(self.env), set(METHODS))

    # ------------------------------------------------------------
    # Models: create, read, write, unlink by role
    # ------------------------------------------------------------

    def test_crud_by_role(self):
        for model, expected in CRUD.items():
            record = self.records[model]
            self.assertTrue(record, model)
            for role in ROLES:
                allowed = expected.get(role, "")
                for operation, letter in (
                    ("create", "c"),
                    ("read", "r"),
                    ("write", "w"),
                    ("unlink", "u"),
                ):
                    ids = [] if operation == "create" else record.ids
                    status, body = self.call(
                        role, model, "has_access", ids=ids, operation=operation
                    )
                    got = status == HTTPStatus.OK and body is True
                    self.assertEqual(
                        got,
                        letter in allowed,
                        f"{role} {operation} {model}: {status} {body}",
                    )

    def test_public_sees_nothing(self):
        for model in CRUD:
            status, body = self.call(
                None, model, "search_read", domain=[], fields=["id"]
            )
            self.assertEqual(status, HTTPStatus.UNAUTHORIZED, f"{model}: {body}")

    # ------------------------------------------------------------
    # Register fields: read, search, group, export by role
    # ------------------------------------------------------------

    def _condition(self, fname, info):
        """A condition the field's search supports, true for the client (and
        not trivially true: Odoo answers `required != False` without SQL)."""
        if info["type"] in ("integer", "float", "monetary"):
            return (fname, "<=", 1000)
        if info["type"] == "selection":
            return (fname, "=", self.client[fname])
        return (fname, "!=", False)

    def test_register_fields_by_role(self):
        Partner = self.env["res.partner"]
        described = Partner.fields_get(
            [f for f, kind in PARTNER_FIELDS.items() if kind == REGISTER],
            ["searchable", "groupable", "type"],
        )
        client = self.client.ids
        for role in ROLES:
            outcome = REGISTER_OUTCOME[role]
            for fname, info in described.items():
                what = f"{role} on {fname}"
                status, body = self.call(
                    role, "res.partner", "read", ids=client, fields=[fname]
                )
                self.assertOutcome(outcome == "ok", status, body, f"{what} read")
                status, body = self.call(
                    role, "res.partner", "export_data",
                    ids=client, fields_to_export=[fname],
                )  # fmt: skip
                self.assertOutcome(outcome == "ok", status, body, f"{what} export")
                if info.get("searchable"):
                    status, body = self.call(
                        role, "res.partner", "search_count",
                        domain=[("id", "in", client), self._condition(fname, info)],
                    )  # fmt: skip
                    self.assertOutcome(outcome != "denied", status, body, what)
                    if outcome == "hidden":
                        self.assertEqual(body, 0, f"{what} search")
                if info.get("groupable"):
                    dated = info["type"] in ("date", "datetime")
                    status, body = self.call(
                        role, "res.partner", "formatted_read_group",
                        domain=[("id", "in", client)],
                        groupby=[f"{fname}:month" if dated else fname],
                        aggregates=["__count"],
                    )  # fmt: skip
                    self.assertOutcome(outcome != "denied", status, body, what)
                    if outcome == "hidden":
                        self.assertEqual(body, [], f"{what} group")

    # ------------------------------------------------------------
    # Chatter: messages, tracking values, followers, attachments
    # ------------------------------------------------------------

    def _tracked_field(self, record):
        """A tracked field of ``record`` to change: of the register on a client."""
        tracked = sorted(
            fname
            for fname, field in record._fields.items()
            if getattr(field, "tracking", None) and field.type in TRACKED_TYPES
        )
        if record._name == "res.partner":
            return next(f for f in tracked if PARTNER_FIELDS.get(f) == REGISTER)
        return record._rec_name if record._rec_name in tracked else tracked[0]

    def _chatter_tracking(self, role, record):
        """The labels of the tracked changes the chatter shows ``role`` on
        ``record`` (the web client's ``/mail/thread/messages``)."""
        with mute_logger("odoo.http"):
            answer = self.url_open(
                "/mail/thread/messages",
                json={
                    "jsonrpc": "2.0",
                    "method": "call",
                    "params": {"thread_model": record._name, "thread_id": record.id},
                },
            ).json()
        messages = answer.get("result", {}).get("data", {}).get("mail.message", [])
        # a thread the user may not read answers with their latest messages
        # of other threads
        return {
            tracking["fieldInfo"]["changedField"]
            for message in messages
            if (message["model"], message["res_id"]) == (record._name, record.id)
            for tracking in message.get("trackingValues", [])
        }

    def test_chatter_by_role(self):
        """The messages, followers and attachments of a record of agent A's
        book are for the roles that read the record; on the client, the
        tracked changes of the register for the roles that read the register."""
        Thread = self.env.registry["mail.thread"]
        threads = [
            name
            for name in CRUD
            if isinstance(self.env[name], Thread)
            and (name == "res.partner" or self.env[name]._original_module == MODULE)
        ]
        self.assertIn("customer.offer", threads)
        # tracking is written when the transaction closes: close it
        self.env.flush_all()
        self.env.cr.precommit.run()
        follower = self.env["res.partner"].create({"name": "TM Follower"})
        labels, attachments = {}, {}
        for model in threads:
            record = self.records[model]
            fname = self._tracked_field(record)
            record.write({fname: self._other_value(record, fname)})
            labels[model] = record._fields[fname].string
            record.message_subscribe(follower.ids)
            attachments[model] = self.env["ir.attachment"].create(
                {
                    "name": "tm.txt",
                    "raw": b"TM",
                    "res_model": model,
                    "res_id": record.id,
                }
            )
        self.env.flush_all()
        self.env.cr.precommit.run()
        for role in ROLES:
            user = self.users[role]
            self.authenticate(user.login, user.login)
            for model in threads:
                record = self.records[model]
                allowed = "r" in CRUD[model].get(role, "")
                what = f"{role} on {model}"
                on_record = [("res_model", "=", model), ("res_id", "=", record.id)]
                for chatter_model, domain in (
                    (
                        "mail.message",
                        [("model", "=", model), ("res_id", "=", record.id)],
                    ),
                    ("mail.followers", on_record),
                    ("ir.attachment", on_record),
                ):
                    status, body = self.call(
                        role, chatter_model, "search_read", domain=domain, fields=["id"]
                    )
                    got = status == HTTPStatus.OK and bool(body)
                    self.assertEqual(got, allowed, f"{what}: {chatter_model} {body}")
                followers = record.message_follower_ids.ids
                self.assertOutcome(
                    allowed,
                    *self.call(role, "mail.followers", "read", ids=followers,
                               fields=["display_name"]),
                    f"{what}: followers read",
                )  # fmt: skip
                status, body = self.call(
                    role, "mail.followers", "has_access", ids=followers,
                    operation="read",
                )  # fmt: skip
                self.assertEqual(body is True, allowed, f"{what}: followers access")
                self.assertOutcome(
                    allowed,
                    *self.call(role, "ir.attachment", "read",
                               ids=attachments[model].ids, fields=["datas"]),
                    f"{what}: attachment read",
                )  # fmt: skip
                register = model != "res.partner" or REGISTER_OUTCOME[role] == "ok"
                self.assertEqual(
                    labels[model] in self._chatter_tracking(role, record),
                    allowed and register,
                    f"{what}: tracking of {labels[model]}",
                )

    # ------------------------------------------------------------
    # System fields: agents cannot write them
    # ------------------------------------------------------------

    def _other_value(self, record, fname):
        """A value of ``fname`` that ``record`` does not hold."""
        field = record._fields[fname]
        current = record[fname]
        if field.type == "many2one":
            comodel = self.env[field.comodel_name]
            return comodel.search([("id", "!=", current.id)], limit=1).id
        if field.type in ("one2many", "many2many"):
            return [Command.clear()]
        if field.type == "boolean":
            return not current
        if field.type == "selection":
            values = [v for v, _l in field._description_selection(self.env)]
            return next(v for v in values if v != current)
        if field.type in ("integer", "float", "monetary"):
            return (current or 0) + 7
        if field.type in ("date", "datetime"):
            return "2001-01-01"
        return "tampered"

    def test_agents_cannot_write_system_fields(self):
        for model, writable in AGENT_WRITES.items():
            record = self.records[model]
            fields = record._fields
            system = {
                fname
                for fname, field in fields.items()
                if field.store
                and fname not in LOG_FIELDS
                and MODULE in field._modules
                and fname not in writable
                and not (field.compute and field.readonly and not field.inverse)
            }
            # the stored related and computed fields are written through too
            system |= {
                fname
                for fname, field in fields.items()
                if field.store
                and MODULE in field._modules
                and (field.related or field.compute)
                and fname not in writable
            }
            if model == "res.partner":
                system &= {f for f, k in PARTNER_FIELDS.items() if k != ACTIVITY}
            for fname in sorted(system):
                value = self._other_value(record, fname)
                status, body = self.call(
                    "own", model, "write", ids=record.ids, vals={fname: value}
                )
                self.assertOutcome(False, status, body, f"agent writes {model}.{fname}")

    # ------------------------------------------------------------
    # Public methods
    # ------------------------------------------------------------

    def test_public_methods_by_role(self):
        offer = self.records["customer.offer"].ids
        # another agent's client's offer: out of reach, whatever the action
        for method in ("action_send", "action_accept", "action_decline",
                       "action_cancel", "action_reset_draft"):  # fmt: skip
            self.assertOutcome(
                False, *self.call("other", "customer.offer", method, ids=offer),
                f"other agent {method}",
            )  # fmt: skip
        self.assertOutcome(
            False,
            *self.call(
                "other", "res.partner", "record_life_event",
                ids=self.client.ids, event_type="other",
            ),
            "other agent records a life event",
        )  # fmt: skip
        self.assertOutcome(
            False,
            *self.call(
                "own", "customer.offer", "generate_offers", on_date="2031-12-11"
            ),
            "agent runs another day's campaign",
        )
        self.assertOutcome(
            True,
            *self.call(
                "manager", "customer.offer", "generate_offers", on_date="2031-12-11"
            ),
            "manager runs another day's campaign",
        )
        segment = self.records["customer.segment"].ids
        self.assertOutcome(
            False,
            *self.call("own", "customer.segment", "action_recompute_segments",
                       ids=segment),
            "agent recomputes segments",
        )  # fmt: skip
        self.assertOutcome(
            False,
            *self.call(
                "own", "customer.portfolio.transfer", "create",
                vals_list=[{"portfolio_id": self.portfolio.id}],
            ),
            "agent opens the transfer wizard",
        )  # fmt: skip
        # the page's model is abstract: JSON-2 does not even route it for them
        with self.assertRaises(AccessError):
            self.env["customer.portfolio.today"].with_user(
                self.users["plain"]
            ).get_dashboard()
        self.assertOutcome(
            False,
            *self.call(
                "own", "customer.portfolio.today", "get_dashboard",
                agent_id=self.users["other"].id,
            ),
            "agent opens another agent's day",
        )  # fmt: skip
        self.assertOutcome(
            True,
            *self.call(
                "manager", "customer.portfolio.today", "get_dashboard",
                agent_id=self.users["own"].id,
            ),
            "manager opens an agent's day",
        )  # fmt: skip
        client = self.client.ids
        self.assertOutcome(
            True,
            *self.call("own", "res.partner", "action_export_register", ids=client),
            "agent exports own client's data",
        )
        for role in ("other", "plain", "manager2"):
            self.assertOutcome(
                False,
                *self.call(role, "res.partner", "action_export_register", ids=client),
                f"{role} exports the client's data",
            )
        self.assertOutcome(
            False,
            *self.call("own", "res.partner", "action_erase_personal_data", ids=client),
            "agent erases a client",
        )
        # and the agent does it on their own client
        self.assertOutcome(
            True,
            *self.call("own", "customer.offer", "action_cancel", ids=offer),
            "agent cancels own offer",
        )

    # ------------------------------------------------------------
    # The examples of issue 15, as an integrator would try them
    # ------------------------------------------------------------

    def test_side_channels_are_closed(self):
        spec = {"portfolio_id": {}, "agent_id": {}, "segment_id": {}}
        self.assertOutcome(
            False,
            *self.call(
                "other", "customer.offer", "onchange",
                values={"partner_id": self.client.id}, field_names=["partner_id"],
                fields_spec=spec,
            ),
            "onchange on another agent's client",
        )  # fmt: skip
        review = self.env.ref("customer_portfolio.mail_activity_type_income_review")
        self.assertIn(review, self.client.activity_ids.activity_type_id)
        for domain in (
            [("location_risk_level", "=", "high")],
            [("activity_type_id", "=", review.id)],
            [("activity_summary", "!=", False)],
        ):
            status, body = self.call(
                "clerk", "res.partner", "search_count",
                domain=[("id", "=", self.client.id), *domain],
            )  # fmt: skip
            self.assertTrue(status != HTTPStatus.OK or body == 0, f"{domain}: {body}")
        # another agent's client and a missing one answer alike
        template = self.records["customer.offer.template"].id
        answers = {
            self.call(
                "other", "customer.offer", "create",
                vals_list=[{"partner_id": partner_id, "template_id": template,
                            "occasion_key": occasion_key}],
            )[1]["message"]
            for partner_id in (self.client.id, self.client.id + 10**6)
            for occasion_key in (self.records["customer.offer"].occasion_key, "new")
        }  # fmt: skip
        self.assertEqual(len(answers), 1, answers)

    def test_history_is_kept(self):
        self.assertOutcome(
            False,
            *self.call("own", "res.partner", "unlink", ids=self.client.ids),
            "agent deletes a client with history",
        )
        self.assertOutcome(
            False,
            *self.call("manager", "customer.portfolio", "unlink",
                       ids=self.portfolio.ids),
            "manager deletes a portfolio with history",
        )  # fmt: skip
        self.assertTrue(self.client.exists() and self.portfolio.exists())

    def test_report_download_by_role(self):
        """The portfolio report of agent A's book: theirs and the manager's."""
        url = (
            "/report/html/customer_portfolio.report_customer_portfolio/"
            f"{self.portfolio.id}"
        )
        for role, allowed in (("own", True), ("manager", True), ("other", False),
                              ("manager2", False), ("plain", False)):  # fmt: skip
            user = self.users[role]
            self.authenticate(user.login, user.login)
            with mute_logger("odoo.http", "odoo.addons.base.models.ir_rule"):
                response = self.url_open(url)
            got = response.status_code == HTTPStatus.OK and "TM Client" in response.text
            self.assertEqual(got, allowed, f"{role}: {response.status_code}")

    def web_call(self, role, model, method, *args, **kwargs):
        """Call like the web client: JSON-RPC on the user's session."""
        user = self.users[role]
        self.authenticate(user.login, user.login)
        with mute_logger("odoo.http"):
            response = self.url_open(
                f"/web/dataset/call_kw/{model}/{method}",
                json={
                    "jsonrpc": "2.0",
                    "method": "call",
                    "params": {
                        "model": model,
                        "method": method,
                        "args": list(args),
                        "kwargs": kwargs,
                    },
                },
            )
        return response.json()

    def test_web_client_rpc_by_role(self):
        spec = {"income_trend": {}, "portfolio_id": {}, "segment_id": {}}
        client = self.client.ids
        for role, allowed in (("own", True), ("manager", True), ("other", False),
                              ("manager2", False), ("plain", False),
                              ("clerk", False)):  # fmt: skip
            answer = self.web_call(
                role, "res.partner", "web_read", client, specification=spec
            )
            self.assertEqual("result" in answer, allowed, f"{role}: {answer}")
            if not allowed:
                self.assertIn(answer["error"]["data"]["name"], DENIED, role)
        answer = self.web_call(
            "other", "customer.offer", "onchange",
            {"partner_id": self.client.id}, ["partner_id"],
            {"portfolio_id": {}, "agent_id": {}, "segment_id": {}},
        )  # fmt: skip
        self.assertNotIn("result", answer)
        answer = self.web_call(
            "clerk", "res.partner", "web_search_read",
            domain=[("location_risk_level", "=", "high")],
            specification={"name": {}},
        )  # fmt: skip
        self.assertNotIn("result", answer)
