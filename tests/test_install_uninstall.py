"""Install, then uninstall customer_portfolio on a fresh database without demo data.

A plain pytest test, deliberately not imported in tests/__init__.py: it runs Odoo
in subprocesses on a database of its own, which Odoo's own test runner cannot do.
pytest-odoo collects it with the other tests and provides the configuration file.
"""

import ast
import os
import shutil
import subprocess
import sys
from collections import defaultdict
from contextlib import closing

import pytest

from odoo.modules.registry import Registry
from odoo.sql_db import close_db, db_connect
from odoo.tests.common import get_db_name
from odoo.tools import SQL, config

MODULE = "customer_portfolio"
# Kinds of records the module installs (its crons come with their own issue):
# all of them, whatever their kind, must be gone after the uninstallation.
OWNED_MODELS = (
    "ir.model",
    "ir.model.fields",
    "ir.ui.view",
    "ir.ui.menu",
    "ir.rule",
    "ir.model.access",
    "res.groups",
    "res.groups.privilege",
)
PARTNER_COLUMNS = ("portfolio_id", "birthdate", "birthday_month", "client_tier")

pytestmark = pytest.mark.skipif(
    not os.path.isfile(config["config"]),
    reason="runs Odoo with the configuration file of pytest-odoo's --odoo-config",
)


def _odoo(*args, stdin=None):
    """Run the Odoo command line of this interpreter, fail with its output."""
    result = subprocess.run(
        [sys.executable, "-m", "odoo", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, (
        f"odoo {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    )


def _query(db_name, code, *args):
    """Rows of an SQL query (``%`` written ``%%``) on the database db_name."""
    with closing(db_connect(db_name).cursor()) as cr:
        cr.execute(SQL(code, *args))
        return cr.fetchall()


def _column_exists(db_name, table, column):
    return bool(
        _query(
            db_name,
            "SELECT 1 FROM information_schema.columns "
            "WHERE table_name = %s AND column_name = %s",
            table,
            column,
        )
    )


def _drop_db(db_name):
    """Drop the database and its filestore (Odoo's exp_drop sees the test DB only)."""
    close_db(db_name)
    with closing(db_connect("postgres").cursor()) as cr:
        cr._cnx.autocommit = True
        cr.execute(
            SQL("DROP DATABASE IF EXISTS %s WITH (FORCE)", SQL.identifier(db_name))
        )
    shutil.rmtree(config.filestore(db_name), ignore_errors=True)


@pytest.fixture
def fresh_db():
    db_name = f"{get_db_name()}_uninstall"
    _drop_db(db_name)
    yield db_name
    _drop_db(db_name)


def _module_footprint(db_name):
    """What the module alone owns in the database: records, tables, columns, indexes.

    Records that another module declares too (the ``res.partner`` model, its ``id``
    field...) are not the module's to delete.
    """
    registry = Registry(get_db_name())
    records = _query(
        db_name,
        "SELECT d.model, d.res_id FROM ir_model_data d WHERE d.module = %s"
        " AND NOT EXISTS (SELECT 1 FROM ir_model_data o WHERE o.model = d.model"
        " AND o.res_id = d.res_id AND o.module != d.module)",
        MODULE,
    )
    ids = defaultdict(list)
    for model, res_id in records:
        ids[model].append(res_id)
    models = [
        model
        for (model,) in _query(
            db_name, "SELECT model FROM ir_model WHERE id = ANY(%s)", ids["ir.model"]
        )
    ]
    tables = {registry[model]._table for model in models}
    tables.update(
        name
        for (name,) in _query(
            db_name,
            "SELECT r.name FROM ir_model_relation r JOIN ir_module_module m"
            " ON m.id = r.module WHERE m.name = %s",
            MODULE,
        )
    )
    columns = [
        (registry[model]._table, name)
        for model, name in _query(
            db_name,
            "SELECT model, name FROM ir_model_fields WHERE id = ANY(%s) AND store"
            " AND ttype NOT IN ('one2many', 'many2many')",
            ids["ir.model.fields"],
        )
        if model not in models
    ]
    indexes = [
        name
        for (name,) in _query(
            db_name,
            "SELECT c.name FROM ir_model_constraint c JOIN ir_module_module m"
            " ON m.id = c.module WHERE m.name = %s AND c.type = 'i'",
            MODULE,
        )
    ]
    return records, tables, columns, indexes


def test_install_uninstall_without_demo(fresh_db):
    conf = config["config"]
    _odoo(
        "-c",
        conf,
        "-d",
        fresh_db,
        "-i",
        MODULE,
        "--without-demo=True",
        "--no-http",
        "--stop-after-init",
        "--log-level=warn",
    )
    assert _query(
        fresh_db, "SELECT state, demo FROM ir_module_module WHERE name = %s", MODULE
    ) == [("installed", False)]
    assert not _query(fresh_db, "SELECT 1 FROM ir_module_module WHERE demo")
    records, tables, columns, indexes = _module_footprint(fresh_db)
    owned = {model for model, _res_id in records}
    assert set(OWNED_MODELS) <= owned, "the module's data is not what this test expects"
    assert "customer_portfolio" in tables
    for column in PARTNER_COLUMNS:
        assert ("res_partner", column) in columns
        assert _column_exists(fresh_db, "res_partner", column)

    _check_upgrade_keeps_user_data(conf, fresh_db)
    _check_migration_fills_income_trends(conf, fresh_db)

    _odoo("module", "uninstall", "-c", conf, "-d", fresh_db, MODULE)

    assert _query(
        fresh_db, "SELECT state FROM ir_module_module WHERE name = %s", MODULE
    ) == [("uninstalled",)]
    assert not _query(
        fresh_db, "SELECT model, name FROM ir_model_data WHERE module = %s", MODULE
    )
    registry = Registry(get_db_name())
    left = [
        (model, res_id)
        for model, res_id in records
        if registry[model]._table not in tables
        and _query(
            fresh_db,
            "SELECT 1 FROM %s WHERE id = %s",
            SQL.identifier(registry[model]._table),
            res_id,
        )
    ]
    assert not left, f"records of the module left behind: {left}"
    # Also what could have lost its xml id: models, views and actions.
    for query in (
        "SELECT model FROM ir_model WHERE model LIKE 'customer.%%'",
        "SELECT id FROM ir_ui_view WHERE model LIKE 'customer.%%'",
        "SELECT id FROM ir_ui_view WHERE arch_fs LIKE 'customer\\_portfolio/%%'",
        "SELECT id FROM ir_act_window WHERE res_model LIKE 'customer.%%'",
    ):
        assert not _query(fresh_db, query), query
    assert not _query(
        fresh_db,
        "SELECT table_name FROM information_schema.tables"
        " WHERE table_schema = 'public'"
        " AND (table_name = ANY(%s) OR table_name LIKE 'customer\\_%%')",
        sorted(tables),
    )
    left_columns = [c for c in columns if _column_exists(fresh_db, *c)]
    assert not left_columns, f"columns of the module left behind: {left_columns}"
    if indexes:
        assert not _query(
            fresh_db,
            "SELECT indexname FROM pg_indexes WHERE indexname IN %s",
            tuple(indexes),
        )
    # Nor what the users made with it: messages, activities, followers, settings.
    for query in (
        "SELECT id FROM mail_message WHERE model LIKE 'customer.%%'",
        "SELECT id FROM mail_activity WHERE res_model LIKE 'customer.%%'",
        "SELECT id FROM mail_followers WHERE res_model LIKE 'customer.%%'",
        "SELECT id FROM ir_attachment WHERE res_model LIKE 'customer.%%'",
        "SELECT key FROM ir_config_parameter WHERE key LIKE 'customer\\_portfolio.%%'",
    ):
        assert not _query(fresh_db, query), query
    # The modules it depends on stay installed.
    assert _query(
        fresh_db,
        "SELECT count(*) FROM ir_module_module"
        " WHERE name IN ('contacts', 'mail') AND state = 'installed'",
    ) == [(2,)]


# Run in ``odoo shell`` on the fresh database: what users do with the module.
USER_EDITS = """
env.ref("customer_portfolio.mail_template_offer").body_html = "<p>Edited body</p>"
env.ref("customer_portfolio.offer_template_christmas").name = "Edited Christmas"
env.ref("customer_portfolio.ir_cron_generate_offers").interval_type = "hours"
env["res.config.settings"].create({"portfolio_income_stable_band": 7.5}).execute()
agent = env["res.users"].create(
    {
        "name": "Agent",
        "login": "agent",
        "email": "agent@example.com",
        "group_ids": [(4, env.ref("customer_portfolio.group_portfolio_agent").id)],
    }
)
portfolio = env["customer.portfolio"].create({"name": "Book", "agent_id": agent.id})
client = env["res.partner"].create(
    {"name": "Client", "email": "c@example.com", "portfolio_id": portfolio.id}
)
for day, amount in (("2024-01-01", 100), ("2025-01-01", 50)):
    env["customer.income.record"].create(
        {"partner_id": client.id, "date": day, "amount": amount}
    )
client.record_life_event("home_purchase", note="Flat")
assert client.offer_ids, "no offer made"
assert client.activity_ids, "no income review activity"
portfolio.message_post(body="A note")
env.cr.commit()
"""


def _check_upgrade_keeps_user_data(conf, db_name):
    """Updating the module (-u) keeps what users edited in its noupdate data."""
    _odoo("shell", "-c", conf, "-d", db_name, "--no-http", stdin=USER_EDITS)
    _odoo(
        "-c", conf, "-d", db_name, "-u", MODULE, "--no-http", "--stop-after-init",
        "--log-level=warn",
    )  # fmt: skip

    def record(xmlid, table, column):
        return _query(
            db_name,
            "SELECT t.%s FROM %s t JOIN ir_model_data d ON d.res_id = t.id"
            " AND d.module = %s AND d.name = %s",
            SQL.identifier(column),
            SQL.identifier(table),
            MODULE,
            xmlid,
        )[0][0]

    body = record("mail_template_offer", "mail_template", "body_html")
    assert body["en_US"] == "<p>Edited body</p>"
    name = record("offer_template_christmas", "customer_offer_template", "name")
    assert name["en_US"] == "Edited Christmas"
    assert record("ir_cron_generate_offers", "ir_cron", "interval_type") == "hours"
    assert _query(
        db_name,
        "SELECT value FROM ir_config_parameter WHERE key = %s",
        "customer_portfolio.income_stable_band",
    ) == [("7.5",)]


# Run in ``odoo shell``: the database as 19.0.1.0.0 left it (income figures and
# an index on the target flag on res_partner)
BACK_TO_1_0 = """
env.cr.execute("DELETE FROM customer_income_trend")
env.cr.execute("ALTER TABLE res_partner ADD COLUMN income_trend varchar")
env.cr.execute(
    "CREATE INDEX res_partner__is_target_client_index ON res_partner (is_target_client)"
)
old_rule = env["ir.rule"].create(
    {
        "name": "Activity: no register activities",
        "model_id": env.ref("mail.model_mail_activity").id,
        "domain_force": "[('res_model', '!=', 'customer.location.risk')]",
    }
)
env["ir.model.data"].create(
    {
        "module": "customer_portfolio",
        "name": "mail_activity_rule_portfolio_user",
        "model": "ir.rule",
        "res_id": old_rule.id,
        "noupdate": True,
    }
)
env.ref("customer_portfolio.customer_offer_rule_agent").domain_force = (
    "['|', ('partner_id.portfolio_id', '=', False),"
    " ('partner_id.portfolio_id.agent_id', '=', user.id)]"
)
env.cr.execute(
    "UPDATE ir_module_module SET latest_version = '19.0.1.0.0'"
    " WHERE name = 'customer_portfolio'"
)
env.cr.commit()
"""


def _manifest_version():
    manifest = os.path.join(os.path.dirname(__file__), os.pardir, "__manifest__.py")
    with open(manifest, encoding="utf-8") as file:
        return ast.literal_eval(file.read())["version"]


def _check_migration_fills_income_trends(conf, db_name):
    """A database on 19.0.1.0.0 (income figures on res_partner) keeps its
    trends: the migration fills customer_income_trend from the income
    records and drops the old res_partner columns."""
    _odoo("shell", "-c", conf, "-d", db_name, "--no-http", stdin=BACK_TO_1_0)
    _odoo(
        "-c", conf, "-d", db_name, "-u", MODULE, "--no-http", "--stop-after-init",
        "--log-level=warn",
    )  # fmt: skip
    assert _query(
        db_name,
        "SELECT t.amount, t.previous_amount, t.change_pct, t.trend"
        " FROM customer_income_trend t JOIN res_partner p ON p.id = t.partner_id"
        " WHERE p.name = 'Client'",
    ) == [(50, 100, -50, "decreasing")]
    assert not _column_exists(db_name, "res_partner", "income_trend")
    assert _query(
        db_name,
        "SELECT latest_version FROM ir_module_module WHERE name = %s",
        MODULE,
    ) == [(_manifest_version(),)]
    # 19.0.2.0.0: no index on the target flag any more
    assert not _query(
        db_name,
        "SELECT 1 FROM pg_indexes WHERE indexname = %s",
        "res_partner__is_target_client_index",
    )
    # nor rules on the activities (mail's access hooks), and the agents' rules
    # keep ex-clients' offers from them
    assert not _query(
        db_name,
        "SELECT 1 FROM ir_rule r JOIN ir_model m ON m.id = r.model_id"
        " WHERE m.model IN ('mail.activity', 'mail.message')"
        " AND r.name LIKE %s",
        "Activity: no register%",
    )
    assert _query(
        db_name,
        "SELECT r.domain_force FROM ir_rule r JOIN ir_model_data d"
        " ON d.res_id = r.id AND d.model = 'ir.rule' AND d.module = %s"
        " AND d.name = 'customer_offer_rule_agent'",
        MODULE,
    ) == [("[('partner_id.portfolio_id.agent_id', '=', user.id)]",)]
