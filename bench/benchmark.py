"""Benchmark the daily jobs of customer_portfolio on 100k and 1M clients.

Run it through ``bench/run.sh`` (it finds Odoo, PostgreSQL and the venv)::

    bash bench/run.sh                       # 100k and 1M clients
    bash bench/run.sh --sizes 100000        # one size
    bash bench/run.sh --sizes 100000 --reuse   # keep and reuse a built database
    bash bench/run.sh --steps contact_cost --before-addons DIR   # what a contact pays

For each size it builds a database ``cp_bench_<size>`` (module installed, the
clients generated in SQL), then measures each job in its own subprocess (so
that the peak RSS is the job's), rolled back at the end so that every job and
its naive counterpart see the same data. The naive way (search everything,
filter in Python, write record by record) runs on a time budget and its rate
is extrapolated to the full size. It prints markdown tables.

The ``contact_cost`` step builds small databases of its own instead: one with
``contacts`` and ``mail`` only, one with the module (and one with the module
found in ``--before-addons DIR``), and measures what a plain contact pays
there: its creation, an address change and a chatter load.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import date, datetime, timedelta

BIRTHDAYS = 300  # clients born on the bench day, whatever the size
ANNIVERSARIES = 100  # clients who became clients on the bench day
RISK_CLIENTS = 100_000  # clients in the area the benchmark activates
RISK_CITY_CLIENTS = 50  # clients in each of the 9 small areas (already active)
DUE_OFFERS = 1000  # open offers whose validity ended (on the server's date)
AGENTS = 200
TIMEZONES = ["Europe/Brussels", "Europe/Paris", "America/New_York", "Asia/Tokyo"]
# steps run on databases of their own, not on the generated clients
CONTACT_STEPS = ["contact_cost"]
CONTACTS = 1000  # contacts created, then moved, by the contact_cost step
CHATTER_MESSAGES = 40  # messages on the contact whose chatter is loaded
CHATTER_LOADS = 20  # chatter loads measured (the average is reported)
CITIES = [f"Town {i:02d}" for i in range(20)]  # 10 of them are risk areas
STEPS = [
    "offers",
    "trend",
    "trend_full",
    "risk",
    "segments",
    "expiry",
    "renewals",
    "gaps",
    "campaign",
    "access_cost",
]
RENEWAL_HORIZON = 365  # holdings end evenly over the year after the bench day
HERE = os.path.dirname(os.path.abspath(__file__))


# ----------------------------------------------------------------------------
# Running in Odoo (subprocesses)
# ----------------------------------------------------------------------------


def odoo_env(config, db, addons_path=None):
    """Load the registry of ``db``; return (registry, cursor, env as root).

    ``addons_path`` replaces the configuration's (e.g. another version of the
    module)."""
    import odoo
    from odoo.modules.registry import Registry
    from odoo.tools import config as odoo_config

    extra = [f"--addons-path={addons_path}"] if addons_path else []
    odoo_config.parse_config(
        ["-c", config, "-d", db, "--log-level=warn", *extra], setup_logging=True
    )
    registry = Registry(db)
    cr = registry.cursor()
    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
    return registry, cr, env


def query_count():
    from odoo import sql_db

    return sql_db.sql_counter


def peak_rss_mb():
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_day(env):
    return date.fromisoformat(
        env["ir.config_parameter"].get_param("customer_portfolio.bench_day")
    )


def ordinary_day(env, day):
    """``day``, or the first day after it that no campaign falls on (the first
    of a high-spending month, Christmas's offer day, 28 and 29 February)."""
    months = set(
        env.ref("customer_portfolio.offer_template_high_spend").month_ids.mapped(
            "number"
        )
    )
    while (day.day == 1 and day.month in months) or (day.month, day.day) in (
        (2, 28),
        (2, 29),
        (12, 11),
    ):
        day += timedelta(days=1)
    return day


def seed_offer_history(env, day):
    """Insert, as sent, the offers the engine made on the days before ``day``
    (the jobs of the day before, look-back windows included), so that the
    bench day is an ordinary day of a running database, not a first run that
    catches a month up. In SQL, without emails: this is history.

    :return: the number of offers inserted
    """
    from odoo.tools import SQL

    Offer = env["customer.offer"]
    Partner = env["res.partner"]
    inserted = 0
    for job in Offer._get_offer_jobs(day - timedelta(days=1)):
        template = job["template"]
        query = SQL(
            """
            INSERT INTO customer_offer (
                partner_id, template_id, occasion_key, offer_category,
                portfolio_id, agent_id, segment_id, company_id, state,
                date_start, date_end, interest_rate, coupon_code,
                acceptance_rate, create_uid, create_date, write_uid, write_date)
            SELECT p.id, %(template)s, %(key)s, %(category)s,
                   p.portfolio_id, pf.agent_id, p.segment_id, pf.company_id, 'sent',
                   %(start)s, %(end)s, %(rate)s,
                   CASE WHEN %(coupon)s THEN 'BENCH-' || p.id || '-' || %(key)s END,
                   0, %(uid)s, %(made)s, %(uid)s, %(made)s
              FROM res_partner p JOIN customer_portfolio pf ON pf.id = p.portfolio_id
             WHERE p.id IN %(clients)s
            ON CONFLICT DO NOTHING
            """,
            template=template.id,
            key=job["key"],
            category=template.offer_category,
            start=job["date_start"],
            end=job["date_end"],
            rate=template.interest_rate,
            coupon=template.offer_category == "coupon",
            uid=env.uid,
            # made before today (the server's date, the digest's day)
            made=datetime.combine(
                min(job["date_start"], date.today() - timedelta(days=1)),
                datetime.min.time(),
            ),
            clients=Partner._search(job["domain"]).subselect(),
        )
        env.cr.execute(query)
        inserted += env.cr.rowcount
    # as the engine records a complete run
    Offer._set_served_through(day - timedelta(days=1))
    return inserted


def run_build(config, db, size):
    """Fill an installed database with ``size`` generated clients."""
    _registry, cr, env = odoo_env(config, db)
    day = ordinary_day(env, date.today())
    env["ir.config_parameter"].set_param("customer_portfolio.bench_day", str(day))
    env["res.lang"]._activate_lang("fr_FR")
    company = env.company
    company.email = "bench@example.com"
    started = time.time()

    # agents and their portfolios, through the ORM
    agents = (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create(
            [
                {
                    "name": f"Agent {i:03d}",
                    "login": f"agent{i:03d}",
                    "email": f"agent{i:03d}@example.com",
                    "tz": TIMEZONES[i % len(TIMEZONES)],
                    "lang": "fr_FR" if i % 3 == 0 else "en_US",
                    "group_ids": [
                        (4, env.ref("base.group_user").id),
                        (4, env.ref("customer_portfolio.group_portfolio_agent").id),
                    ],
                }
                for i in range(AGENTS)
            ]
        )
    )
    portfolios = env["customer.portfolio"].create(
        [
            {
                "name": f"Book {agent.name}",
                "agent_id": agent.id,
                "hotline_phone": "+1 555 0100",
            }
            for agent in agents
        ]
    )
    # 5 segments: the 3 shipped ones (by tier) and two before them
    env["customer.segment"].create(
        [
            {"name": "Seniors", "sequence": 1, "domain": "[('age', '>=', 70)]"},
            {
                "name": "Young families",
                "sequence": 2,
                "domain": "[('lifecycle_stage', '=', 'young_family')]",
                "is_target": True,
            },
        ]
    )
    segments = env["customer.segment"].search([], order="sequence, id")
    us = env.ref("base.us")
    states = env["res.country.state"].search([("country_id", "=", us.id)], limit=20)
    risk_state, other_states = states[0], states[1:]
    Area = env["customer.location.risk"]
    # the area the benchmark activates: inactive for now, in effect from today
    # (the bench day may be later: an area starts on the server's date)
    Area.create(
        {
            "name": "Bench quake",
            "active": False,
            "severity": "high",
            "country_id": us.id,
            "state_id": risk_state.id,
            "date_start": min(day, date.today()),
        }
    )
    # 9 small areas in effect; one promotes the recovery loan
    Area.create(
        [
            {
                "name": f"Bench flood {k}",
                "risk_type": "flood",
                "severity": ("low", "medium", "high")[k % 3],
                "city": f"Bench City {k}",
                "date_start": day - timedelta(days=10),
            }
            for k in range(1, 10)
        ]
    ).filtered(lambda area: area.city != "Bench City 1").promoted_template_ids = False
    env.flush_all()
    cr.commit()
    print(f"  ORM setup: {time.time() - started:.1f}s", flush=True)

    started = time.time()
    params = {
        "n": size,
        "day": day,
        "month": day.month,
        "mday": day.day,
        "bday_step": size // BIRTHDAYS,
        "anniv_step": size // ANNIVERSARIES,
        "risk_step": max(size // RISK_CLIENTS, 1),
        "city_step": size // (9 * RISK_CITY_CLIENTS),
        "portfolio_ids": portfolios.ids,
        "agent_ids": portfolios.agent_id.ids,
        "risk_state": risk_state.id,
        "other_states": other_states.ids,
        "country": us.id,
        "tzs": TIMEZONES,
        "currency": company.currency_id.id,
        "uid": env.uid,
        "today": date.today(),
        "segments": segments.ids,
        "target_segments": segments.filtered("is_target").ids,
    }
    # bulk load: no index maintenance row by row, no foreign key triggers
    cr.execute(
        """SELECT indexname, indexdef FROM pg_indexes
            WHERE tablename IN ('res_partner', 'customer_income_record',
                                'customer_income_trend', 'customer_life_event',
                                'customer_offer')
              AND indexname NOT IN (SELECT conname FROM pg_constraint)"""
    )
    indexes = cr.fetchall()
    for name, _definition in indexes:
        cr.execute(f'DROP INDEX "{name}"')
    cr.execute("SET session_replication_role = replica")
    for label, query in BUILD_SQL:
        t0 = time.time()
        cr.execute(query, params)
        print(f"  {label}: {time.time() - t0:.1f}s", flush=True)
    cr.execute("SET session_replication_role = DEFAULT")
    t0 = time.time()
    cr.execute("SET maintenance_work_mem = '256MB'")
    for _name, definition in indexes:
        cr.execute(definition)
    print(f"  {len(indexes)} indexes rebuilt: {time.time() - t0:.1f}s", flush=True)
    cr.commit()
    # the 9 small areas match their clients (set-based, as in production)
    Area.search([("is_current", "=", True)])._update_coverage()
    env.flush_all()
    cr.commit()
    t0 = time.time()
    seeded = seed_offer_history(env, day)
    cr.commit()
    print(f"  offers of the days before ({seeded:,}): {time.time() - t0:.1f}s")
    env["ir.config_parameter"].set_param("customer_portfolio.bench_built", size)
    cr.commit()
    cr._cnx.autocommit = True
    cr.execute("VACUUM ANALYZE")
    print(f"  SQL data + vacuum: {time.time() - started:.1f}s", flush=True)
    cr.close()


BUILD_SQL = [
    (
        "clients",
        """
        CREATE TEMPORARY TABLE bench_days AS
        SELECT row_number() OVER (ORDER BY d) - 1 AS idx, d::date AS d
          FROM generate_series('2000-01-01'::date, '2000-12-31', '1 day') d
         WHERE (extract(month FROM d), extract(day FROM d)) <> (%(month)s, %(mday)s);
        CREATE TEMPORARY TABLE bench_clients AS
        SELECT g,
               (SELECT max(id) FROM res_partner) + g AS id,
               CASE WHEN g %% %(bday_step)s = 0 AND g / %(bday_step)s <= 300
                    THEN make_date(1950 + g %% 50, %(month)s, %(mday)s)
                    ELSE NULL END AS bday_today,
               CASE WHEN g %% %(anniv_step)s = 1 AND g / %(anniv_step)s < 100
                    THEN make_date(2000 + g %% 20, %(month)s, %(mday)s)
                    ELSE NULL END AS since_today
          FROM generate_series(1, %(n)s) g;
        INSERT INTO res_partner (
            id, name, complete_name, commercial_partner_id, type, active, is_company,
            partner_share, employee, lang, tz, email, email_normalized,
            country_id, state_id, city, zip, location_city_key, location_zip_key,
            partner_latitude, partner_longitude,
            portfolio_id, portfolio_agent_id, birthdate, birthday_month,
            birthday_day, client_since, client_since_month, client_since_day,
            client_tier, marital_status, children_count, children_count_manual,
            is_retired, is_retired_manual, lifecycle_stage, lifecycle_stage_manual,
            portfolio_opt_out, marital_status_manual_seq,
            segment_id, is_target_client, offer_consent, offer_channel,
            create_uid, create_date, write_uid, write_date)
        SELECT c.id, 'Client ' || c.g, 'Client ' || c.g, c.id, 'contact', TRUE, FALSE,
               TRUE, FALSE, CASE WHEN c.g %% 10 < 3 THEN 'fr_FR' ELSE 'en_US' END,
               CASE WHEN c.g %% 5 = 4 THEN NULL
                    ELSE (%(tzs)s::varchar[])[1 + c.g %% 4] END,
               'client' || c.g || '@example.com', 'client' || c.g || '@example.com',
               %(country)s,
               CASE WHEN c.g %% %(risk_step)s = 0 THEN %(risk_state)s
                    ELSE (%(other_states)s::int[])[1 + c.g %% 19] END,
               city.name, lpad((c.g %% 99999)::text, 5, '0'), lower(city.name),
               lpad((c.g %% 99999)::text, 5, '0'),
               CASE WHEN c.g %% 4 = 0 THEN 25 + (c.g %% 2000) / 100.0 END,
               CASE WHEN c.g %% 4 = 0 THEN -120 + (c.g %% 5000) / 100.0 END,
               pf.id, pf.agent_id, birth.d, extract(month FROM birth.d),
               extract(day FROM birth.d), since.d, extract(month FROM since.d),
               extract(day FROM since.d),
               attr.tier,
               (ARRAY['single', 'married', 'partnership', 'divorced'])[1 + c.g %% 4],
               c.g %% 3, c.g %% 3, FALSE, FALSE, attr.stage, FALSE, c.g %% 50 = 7, 0,
               -- the segment as the daily job left it
               seg.id, COALESCE(seg.id = ANY(%(target_segments)s), FALSE),
               -- the consent and channel a new client has
               'unknown', 'email',
               %(uid)s, now(), %(uid)s, now()
          FROM bench_clients c
          JOIN LATERAL (
                SELECT CASE WHEN c.g %% 20 = 0 THEN 'vip'
                            WHEN c.g %% 4 = 1 THEN 'premium'
                            ELSE 'standard' END AS tier,
                       (ARRAY['young_single', 'couple', 'young_family',
                              'mature_family', 'empty_nest'])[1 + c.g %% 5] AS stage
               ) attr ON TRUE
          JOIN LATERAL (
                SELECT (%(portfolio_ids)s::int[])[1 + c.g %% 200] AS id,
                       (%(agent_ids)s::int[])[1 + c.g %% 200] AS agent_id
               ) pf ON TRUE
          JOIN LATERAL (
                SELECT CASE
                    WHEN c.g %% %(city_step)s = 3 AND c.g / %(city_step)s < 450
                    THEN 'Bench City ' || (1 + (c.g / %(city_step)s) %% 9)
                    ELSE 'Town ' || (c.g %% 50) END AS name
               ) city ON TRUE
          JOIN LATERAL (
                SELECT COALESCE(c.bday_today, make_date(
                           CASE WHEN (extract(month FROM bd.d), extract(day FROM bd.d))
                                     = (2, 29) THEN 1948 + 4 * (c.g %% 14)
                                ELSE 1940 + c.g %% 66 END,
                           extract(month FROM bd.d)::int,
                           extract(day FROM bd.d)::int)) AS d
                  FROM bench_days bd WHERE bd.idx = (c.g::bigint * 7919) %% 365
               ) birth ON TRUE
          JOIN LATERAL (
                SELECT COALESCE(c.since_today, make_date(
                           CASE WHEN (extract(month FROM sd.d), extract(day FROM sd.d))
                                     = (2, 29) THEN 2000 + 4 * (c.g %% 6)
                                ELSE 2000 + c.g %% 24 END,
                           extract(month FROM sd.d)::int,
                           extract(day FROM sd.d)::int)) AS d
                  FROM bench_days sd WHERE sd.idx = (c.g::bigint * 104729 + 17) %% 365
               ) since ON TRUE
          -- 1 in 100 clients changed since the last segment recompute
          LEFT JOIN LATERAL (
                SELECT (%(segments)s::int[])[CASE
                    WHEN birth.d <= %(today)s::date - interval '70 years' THEN 1
                    WHEN attr.stage = 'young_family' THEN 2
                    WHEN attr.tier = 'vip' THEN 3
                    WHEN attr.tier = 'premium' THEN 4
                    ELSE 5 END] AS id
                WHERE c.g %% 100 <> 0
               ) seg ON TRUE;
        SELECT setval('res_partner_id_seq', (SELECT max(id) FROM res_partner));
        """,
    ),
    (
        "income records (4 per client)",
        """
        INSERT INTO customer_income_record (
            partner_id, date, amount, currency_id, company_id,
            create_uid, create_date, write_uid, write_date)
        SELECT c.id, %(day)s::date - 90 * k - c.g %% 60,
               round((20000 + (c.g::bigint * 7919) %% 60000)
                     * (180 + (c.g::bigint * 37 + k * 13) %% 41) / 200.0),
               %(currency)s, 1,
               %(uid)s, now(), %(uid)s, now()
          FROM bench_clients c, generate_series(0, 3) k
        """,
    ),
    (
        "income trends (as the recompute left them, band 5 %)",
        """
        INSERT INTO customer_income_trend (
            partner_id, amount, currency_id, previous_amount, change_pct, trend,
            create_uid, create_date, write_uid, write_date)
        SELECT c.id, a.a0, %(currency)s, a.a1,
               round(100.0 * (a.a0 - a.a1) / a.a1, 2),
               CASE WHEN 100 * (a.a0 - a.a1) > 5 * a.a1 THEN 'increasing'
                    WHEN 100 * (a.a0 - a.a1) < -5 * a.a1 THEN 'decreasing'
                    ELSE 'stable' END,
               %(uid)s, now(), %(uid)s, now()
          FROM bench_clients c
          -- the amounts of the two latest income records (k = 0 and 1 above)
          JOIN LATERAL (
                SELECT round((20000 + (c.g::bigint * 7919) %% 60000)
                             * (180 + (c.g::bigint * 37) %% 41) / 200.0) AS a0,
                       round((20000 + (c.g::bigint * 7919) %% 60000)
                             * (180 + (c.g::bigint * 37 + 13) %% 41) / 200.0) AS a1
               ) a ON TRUE
        """,
    ),
    (
        "life events (5 percent)",
        """
        INSERT INTO customer_life_event (
            partner_id, date, event_type, company_id,
            create_uid, create_date, write_uid, write_date)
        SELECT c.id, %(day)s::date - 30 - c.g %% 700,
               (ARRAY['marriage', 'birth_of_child', 'new_job', 'relocation',
                      'vehicle_purchase', 'home_purchase', 'retirement',
                      'divorce'])[1 + (c.g / 20) %% 8],
               1, %(uid)s, now(), %(uid)s, now()
          FROM bench_clients c WHERE c.g %% 20 = 7
        """,
    ),
    (
        "past offers (history, due, open)",
        """
        INSERT INTO customer_offer (
            partner_id, template_id, occasion_key, offer_category, portfolio_id,
            agent_id, company_id, state, date_start, date_end, interest_rate,
            acceptance_rate, create_uid, create_date, write_uid, write_date)
        SELECT p.id, t.id, o.key, t.offer_category, p.portfolio_id,
               p.portfolio_agent_id, 1, o.state, o.date_end - 1, o.date_end,
               t.interest_rate, CASE WHEN o.state = 'accepted' THEN 100 ELSE 0 END,
               %(uid)s, now(), %(uid)s, now()
          FROM bench_clients c
          JOIN res_partner p ON p.id = c.id
          JOIN LATERAL (
                SELECT 'bench-history' AS key,
                       (ARRAY['expired', 'accepted', 'declined'])[1 + c.g %% 3]
                           AS state,
                       %(day)s::date - 100 - c.g %% 200 AS date_end
                 WHERE c.g %% 10 = 0
                UNION ALL
                SELECT 'bench-due', 'sent', %(today)s::date - 2
                 WHERE c.g %% (%(n)s / 1000) = 5
                UNION ALL
                SELECT 'bench-open', 'sent', %(day)s::date + 20
                 WHERE c.g %% 100 = 9
               ) o ON TRUE
          JOIN customer_offer_template t
            ON t.id = (SELECT res_id FROM ir_model_data
                        WHERE module = 'customer_portfolio'
                          AND name = 'offer_template_anniversary')
        """,
    ),
    (
        "blacklist",
        """
        INSERT INTO mail_blacklist (email, active, create_uid, create_date,
                                    write_uid, write_date)
        SELECT 'client' || g || '@example.com', TRUE, %(uid)s, now(), %(uid)s, now()
          FROM generate_series(11, %(n)s, %(n)s / 100) g
        """,
    ),
]


# ----------------------------------------------------------------------------
# The measured steps
# ----------------------------------------------------------------------------


PROFILE = {}


def measure(env, func):
    """Run ``func`` and return (result, wall seconds, queries issued).

    With ``--profile DIR`` (and pyinstrument importable), the call is profiled
    and the report written in DIR.
    """
    profiler = None
    if PROFILE.get("dir"):
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.005)
        profiler.start()
    env.flush_all()
    queries = query_count()
    started = time.perf_counter()
    result = func()
    env.flush_all()
    wall = time.perf_counter() - started
    if profiler:
        profiler.stop()
        name = f"{PROFILE['step']}-{PROFILE.setdefault('n', 0)}.txt"
        PROFILE["n"] += 1
        with open(os.path.join(PROFILE["dir"], name), "w", encoding="utf-8") as out:
            out.write(profiler.output_text(unicode=True, show_all=False))
    return result, wall, query_count() - queries


def count(env, table, where="TRUE"):
    env.cr.execute(f"SELECT count(*) FROM {table} WHERE {where}")
    return env.cr.fetchone()[0]


def step_offers(env):
    from odoo.fields import Domain

    Offer = env["customer.offer"]
    Partner = env["res.partner"]
    day = bench_day(env)
    # the birthday selection: its plan and its time
    job = next(j for j in Offer._get_offer_jobs(day) if j["key"].startswith("birthday"))
    query = Partner._search(job["domain"] & Domain("id", ">", 0), order="id")
    env.cr.execute(
        "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + query.select().code,
        query.select().params,
    )
    plan = "\n".join(row[0] for row in env.cr.fetchall())
    timings = []
    for _i in range(3):
        started = time.perf_counter()
        selected = Partner.search(job["domain"])
        timings.append(time.perf_counter() - started)
    before = {
        "mail": count(env, "mail_mail"),
        "activity": count(env, "mail_activity"),
    }
    offers, wall, queries = measure(env, lambda: Offer.generate_offers(day))
    return {
        "rows": len(offers),
        "wall": wall,
        "queries": queries,
        "detail": (
            f"{len(offers)} offers, "
            f"{count(env, 'mail_mail') - before['mail']} emails queued, "
            f"{count(env, 'mail_activity') - before['activity']} activities"
        ),
        "selection": {
            "rows": len(selected),
            "first_ms": timings[0] * 1000,
            "best_ms": min(timings) * 1000,
            "plan": plan,
        },
    }


def measure_band_change(env, recompute):
    """Change the stable band (5 -> 7 %) and run ``recompute``, then again with
    nothing left to change."""
    clients = count(env, "customer_income_trend")
    env["ir.config_parameter"].set_param("customer_portfolio.income_stable_band", 7)
    before = count(env, "customer_income_trend", "trend = 'stable'")
    _res, wall, queries = measure(env, recompute)
    after = count(env, "customer_income_trend", "trend = 'stable'")
    _res, wall2, queries2 = measure(env, recompute)
    return {
        "rows": clients,
        "wall": wall,
        "queries": queries,
        "detail": f"band 5 -> 7 %: {after - before} clients turned stable; "
        f"rerun (no change) {wall2:.1f} s, {queries2} queries",
    }


def step_trend(env):
    """A band change: every client's trend is reclassified."""
    return measure_band_change(env, env["customer.income.trend"]._reclassify)


def step_trend_full(env):
    """Every client's income figures recomputed from their 4 records after a
    band change, as after an import."""
    result = measure_band_change(env, env["customer.income.trend"]._recompute_all)
    records = count(env, "customer_income_record")
    result["detail"] = f"from {records} income records, {result['detail']}"
    return result


def step_risk(env):
    area = (
        env["customer.location.risk"]
        .with_context(active_test=False)
        .search([("name", "=", "Bench quake")])
    )
    _res, wall, queries = measure(env, lambda: area.write({"active": True}))
    covered = count(
        env, "customer_location_risk_partner_rel", f"risk_id = {int(area.id)}"
    )
    high = env["res.partner"].search_count([("location_risk_level", "=", "high")])
    activities = count(env, "mail_activity", f"res_id = {int(area.id)}")
    return {
        "rows": covered,
        "wall": wall,
        "queries": queries,
        "detail": f"{covered} clients covered, {high} at high risk, "
        f"{activities} agent activities",
    }


def step_segments(env):
    """The daily cron: 1 in 100 clients changed segment since the last run."""
    Segment = env["customer.segment"]
    clients = count(env, "res_partner", "portfolio_id IS NOT NULL")
    changed, wall, queries = measure(env, Segment._recompute_segments)
    _res, wall2, queries2 = measure(env, Segment._cron_recompute_segments)
    return {
        "rows": clients,
        "wall": wall,
        "queries": queries,
        "detail": f"{changed} clients changed segment; the whole cron again "
        f"(no change, and the target share snapshot) {wall2:.1f} s, "
        f"{queries2} queries",
    }


def step_expiry(env):
    Offer = env["customer.offer"]

    # as the cron does it; its commit is skipped to keep the data for the next steps
    def expire():
        expired = Offer._expire_offers()
        env.cr.precommit.run()  # the chatter's tracking messages, written at commit
        return expired

    expired, wall, queries = measure(env, expire)
    return {
        "rows": expired,
        "wall": wall,
        "queries": queries,
        "detail": f"{expired} offers expired among "
        f"{count(env, 'customer_offer')} offers",
    }


def _contact_vals(i, shift=0):
    """A plain contact (no portfolio) with an address in one of CITIES."""
    return {
        "name": f"Contact {i:05d}",
        "street": f"{i + shift} Main Street",
        "city": CITIES[(i + shift) % len(CITIES)],
        "zip": f"{10000 + (i + shift) % len(CITIES)}",
    }


def step_contact_cost(env):
    """What any contact pays for the installed modules: creating and moving
    plain contacts (no portfolio) as the administrator, and loading a contact's
    chatter as an internal user without portfolio rights.

    Runs as well on a database without customer_portfolio, for comparison.
    """
    us = env.ref("base.us")
    admin = env.ref("base.user_admin")
    user = (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create(
            {
                "name": "Plain User",
                "login": "bench_plain_user",
                "group_ids": [(6, 0, [env.ref("base.group_user").id])],
            }
        )
    )
    if "customer.location.risk" in env:
        # areas in effect on 10 of the 20 towns: what a contact is matched against
        env["customer.location.risk"].create(
            [
                {"name": f"Flood {city}", "severity": "medium", "country_id": us.id,
                 "city": city, "date_start": date.today() - timedelta(days=1)}
                for city in CITIES[:10]
            ]
        )  # fmt: skip
    thread = env["res.partner"].create(_contact_vals(0) | {"country_id": us.id})
    notes = [f"Note {i}" for i in range(CHATTER_MESSAGES)]
    for note in notes:
        thread.message_post(body=note, message_type="comment")
    env.flush_all()

    Partner = env["res.partner"].with_user(admin)
    results = []

    def one_by_one():
        return Partner.browse(
            [
                Partner.create(_contact_vals(i) | {"country_id": us.id}).id
                for i in range(CONTACTS)
            ]
        )

    created, wall, queries = measure(env, one_by_one)
    results.append(
        ("create a contact (one create per contact)", CONTACTS, wall, queries)
    )
    _res, wall, queries = measure(
        env,
        lambda: Partner.create(
            [_contact_vals(i) | {"country_id": us.id} for i in range(CONTACTS)]
        ),
    )
    # an import: the whole batch is one operation
    results.append((f"create {CONTACTS:,} contacts in one create", 1, wall, queries))

    def move():
        for i, partner in enumerate(created):
            partner.write(
                {key: val for key, val in _contact_vals(i, shift=1).items()
                 if key != "name"}
            )  # fmt: skip

    _res, wall, queries = measure(env, move)
    results.append(
        ("write a contact's address (street, city, ZIP)", CONTACTS, wall, queries)
    )

    Message = env["mail.message"].with_user(user)
    domain = [("res_id", "=", thread.id), ("model", "=", "res.partner")]
    loads = []
    for _i in range(CHATTER_LOADS):
        env.invalidate_all()
        res, wall, queries = measure(
            env, lambda: Message._message_fetch(domain, limit=30)
        )
        loads.append((wall, queries))
    # the median load, less sensitive than the mean to a busy machine
    wall, queries = sorted(loads)[len(loads) // 2]
    label = (
        f"load a contact's chatter ({len(res['messages'])} of {CHATTER_MESSAGES}"
        " messages, internal user)"
    )
    results.append((label, 1, wall, queries))
    return {
        "rows": [
            {"label": label, "n": n, "wall": wall, "queries": queries}
            for label, n, wall, queries in results
        ],
        "wall": sum(r[2] for r in results),
        "queries": sum(r[3] for r in results),
        "detail": "",
    }


def ensure_holdings(env):
    """One holding per client (lines in turn, ends spread over a year) and
    three lines in each segment's package, inserted in SQL if the database
    has none yet. In the step's transaction: rolled back with it.

    The job is measured in its steady state: the holdings whose notice began
    before the bench day were reminded by the previous runs, so the day's
    work is the holdings entering their notice on the bench day (about one
    in 365).
    """
    if count(env, "customer_holding"):
        return
    lines = env["customer.product.line"].search([], order="id")
    for i, segment in enumerate(env["customer.segment"].search([], order="id")):
        segment.product_line_ids = [(6, 0, lines[i % 3 :: 3][:3].ids)]
    env.flush_all()
    env.cr.execute(
        """
        INSERT INTO customer_holding (
            partner_id, product_line_id, portfolio_id, agent_id, company_id,
            currency_id, state, date_start, date_end, amount,
            create_uid, create_date, write_uid, write_date)
        SELECT p.id, (%(lines)s::int[])[1 + p.id %% %(n_lines)s],
               p.portfolio_id, pf.agent_id, pf.company_id, %(currency)s,
               'active', %(day)s::date - 365,
               %(day)s::date + (p.id %% %(horizon)s), 100,
               1, now(), 1, now()
          FROM res_partner p
          JOIN customer_portfolio pf ON pf.id = p.portfolio_id
        """,
        {
            "lines": lines.ids,
            "n_lines": len(lines),
            "currency": env.company.currency_id.id,
            "day": bench_day(env),
            "horizon": RENEWAL_HORIZON,
        },
    )
    env.cr.execute(
        """
        UPDATE customer_holding h
           SET renewal_reminded_end = h.date_end
          FROM customer_product_line line
         WHERE line.id = h.product_line_id
           AND h.date_end - line.renewal_notice_days < %s
        """,
        [bench_day(env)],
    )
    env.cr.execute("ANALYZE customer_holding")


def gap_agent(env):
    """An agent whose clients have a segment (so a package to lack)."""
    return (
        env["res.partner"]
        .search([("segment_id", "!=", False), ("portfolio_id", "!=", False)], limit=1)
        .portfolio_agent_id
    )


def step_renewals(env):
    """The daily renewal job, then again with nothing left to remind."""
    ensure_holdings(env)
    Holding = env["customer.holding"]
    before = count(env, "mail_activity")
    reminded, wall, queries = measure(env, Holding._schedule_renewal_reminders)
    _res, wall2, queries2 = measure(env, Holding._schedule_renewal_reminders)
    return {
        "rows": len(reminded),
        "wall": wall,
        "queries": queries,
        "detail": f"{len(reminded)} renewal activities among "
        f"{count(env, 'customer_holding')} holdings "
        f"({count(env, 'mail_activity') - before} created); rerun (nothing to "
        f"remind) {wall2:.2f} s, {queries2} queries",
    }


def step_gaps(env):
    """The Has Gaps filter on one agent's book, as that agent."""
    ensure_holdings(env)
    agent = gap_agent(env)
    Partner = env["res.partner"].with_user(agent)
    domain = [
        ("portfolio_agent_id", "=", agent.id),
        ("cross_sell_line_ids", "!=", False),
    ]
    query = Partner._search(domain)
    env.cr.execute(
        "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + query.select().code,
        query.select().params,
    )
    plan = "\n".join(row[0] for row in env.cr.fetchall())
    timings = []
    for _i in range(3):
        started = time.perf_counter()
        found = Partner.search(domain)
        timings.append(time.perf_counter() - started)
    book = Partner.search_count([("portfolio_agent_id", "=", agent.id)])
    return {
        "rows": book,
        "wall": min(timings),
        "queries": 1,
        "detail": f"{len(found)} of the agent's {book} clients have gaps: "
        f"{timings[0] * 1000:.1f} ms first run, {min(timings) * 1000:.1f} ms "
        f"best of 3\n\n```\n{plan}\n```",
    }


# ---- the naive ORM way: search all, filter in Python, write per record ------


def naive_loop(env, records, process, budget, chunk=1000):
    """Process ``records`` chunk by chunk until done or out of budget.

    :return: (rows processed, wall seconds, queries)
    """
    queries = query_count()
    started = time.perf_counter()
    done = 0
    for start in range(0, len(records), chunk):
        batch = records[start : start + chunk]
        for record in batch:
            process(record)
        done += len(batch)
        env.flush_all()
        batch.invalidate_recordset()
        if time.perf_counter() - started > budget:
            break
    return done, time.perf_counter() - started, query_count() - queries


def naive_search(env, model, domain):
    """The naive part that does not depend on the budget: search everything."""
    started = time.perf_counter()
    records = env[model].search(domain, order="id")
    return records, time.perf_counter() - started


def step_offers_naive(env, budget):
    day = bench_day(env)
    Offer = env["customer.offer"]
    templates = env["customer.offer.template"].search(
        [("trigger", "in", ("birthday", "client_anniversary", "location_risk"))]
    )
    areas = env["customer.location.risk"].search([("is_current", "=", True)])
    partners, search_time = naive_search(
        env, "res.partner", [("portfolio_id", "!=", False)]
    )

    def process(partner):
        if partner.portfolio_opt_out or partner.is_blacklisted:
            return
        for template in templates:
            key = None
            if template.trigger == "birthday" and partner.birthdate:
                if (partner.birthdate.month, partner.birthdate.day) == (
                    day.month,
                    day.day,
                ):
                    key = f"birthday-{day.year}"
            elif template.trigger == "client_anniversary" and partner.client_since:
                since = partner.client_since
                if (since.month, since.day) == (day.month, day.day) and since < day:
                    key = f"anniversary-{day.year}"
            elif template.trigger == "location_risk":
                for area in partner.location_risk_ids & areas:
                    if template in area.promoted_template_ids:
                        key = f"risk-{area.id}"
            if not key or partner.offer_ids.filtered(
                lambda o, t=template, k=key: o.template_id == t and o.occasion_key == k
            ):
                continue
            suppressed = partner.location_risk_ids.suppressed_category_ids
            if template.offer_category in suppressed.mapped("code"):
                continue
            offer = Offer.create(
                {
                    "partner_id": partner.id,
                    "template_id": template.id,
                    "occasion_key": key,
                    "date_start": day,
                }
            )
            if template.mail_template_id:
                template.mail_template_id.send_mail(offer.id)
                offer.state = "sent"
            if template.activity_type_id:
                offer.activity_schedule(
                    activity_type_id=template.activity_type_id.id,
                    user_id=offer.agent_id.id,
                    date_deadline=offer.date_end,
                )

    done, wall, queries = naive_loop(env, partners, process, budget)
    return done, len(partners), wall + search_time, queries


def step_trend_naive(env, budget):
    band = 7
    partners, search_time = naive_search(
        env, "res.partner", [("income_record_ids", "!=", False)]
    )
    Trend = env["customer.income.trend"]

    def process(partner):
        records = partner.income_record_ids.sorted(lambda r: (r.date, r.id))
        latest = records[-1]
        vals = {
            "partner_id": partner.id,
            "amount": latest.amount,
            "currency_id": latest.currency_id.id,
            "previous_amount": False,
            "change_pct": 0.0,
            "trend": "unknown",
        }
        if len(records) > 1 and records[-2].amount > 0:
            previous = records[-2].amount
            pct = 100 * (latest.amount - previous) / previous
            vals["previous_amount"] = previous
            vals["change_pct"] = pct
            vals["trend"] = (
                "increasing"
                if pct > band
                else "decreasing"
                if pct < -band
                else "stable"
            )
        trend = Trend.search([("partner_id", "=", partner.id)])
        if trend:
            trend.write(vals)
        else:
            Trend.create(vals)

    done, wall, queries = naive_loop(env, partners, process, budget)
    return done, len(partners), wall + search_time, queries


step_trend_full_naive = step_trend_naive


def step_risk_naive(env, budget):
    area = (
        env["customer.location.risk"]
        .with_context(active_test=False)
        .search([("name", "=", "Bench quake")])
    )
    area.with_context(tracking_disable=True).sudo()._write({"active": True})
    partners, search_time = naive_search(
        env, "res.partner", [("portfolio_id", "!=", False)]
    )
    ranks = {"none": 0, "low": 1, "medium": 2, "high": 3}

    def process(partner):
        if partner.state_id == area.state_id and partner.country_id == area.country_id:
            level = max(
                [partner.location_risk_level, area.severity], key=ranks.__getitem__
            )
            partner.write(
                {"location_risk_ids": [(4, area.id)], "location_risk_level": level}
            )

    done, wall, queries = naive_loop(env, partners, process, budget)
    return done, len(partners), wall + search_time, queries


def step_segments_naive(env, budget):
    segments = list(env["customer.segment"]._get_valid_domains())
    partners, search_time = naive_search(
        env,
        "res.partner",
        [("portfolio_id", "!=", False)],
    )

    def process(partner):
        for segment, domain in segments:
            if partner.portfolio_id.company_id == segment.company_id and (
                partner.filtered_domain(domain)
            ):
                partner.write(
                    {"segment_id": segment.id, "is_target_client": segment.is_target}
                )
                return
        partner.write({"segment_id": False, "is_target_client": False})

    done, wall, queries = naive_loop(env, partners, process, budget)
    return done, len(partners), wall + search_time, queries


def step_expiry_naive(env, budget):
    last_day = bench_day(env) - timedelta(days=1)
    offers, search_time = naive_search(env, "customer.offer", [])

    def process(offer):
        if offer.state in ("draft", "sent") and offer.date_end < last_day:
            offer.state = "expired"

    done, wall, queries = naive_loop(env, offers, process, budget)
    return done, len(offers), wall + search_time, queries


def step_renewals_naive(env, budget):
    ensure_holdings(env)
    day = bench_day(env)
    holdings, search_time = naive_search(
        env, "customer.holding", [("state", "=", "active")]
    )

    def process(holding):
        notice = holding.product_line_id.renewal_notice_days
        if (
            holding.date_end
            and day <= holding.date_end <= day + timedelta(days=notice)
            and holding.renewal_reminded_end != holding.date_end
            and holding.agent_id
        ):
            holding.activity_schedule(
                "customer_portfolio.mail_activity_type_renewal",
                date_deadline=holding.date_end,
                user_id=holding.agent_id.id,
            )
            holding.renewal_reminded_end = holding.date_end

    done, wall, queries = naive_loop(env, holdings, process, budget)
    return done, len(holdings), wall + search_time, queries


def step_gaps_naive(env, budget):
    """Compute every client's gaps of the agent's book in Python."""
    ensure_holdings(env)
    agent = gap_agent(env)
    partners, search_time = naive_search(
        env, "res.partner", [("portfolio_agent_id", "=", agent.id)]
    )

    def process(partner):
        held = partner.holding_ids.filtered(lambda h: h.state == "active")
        return partner.segment_id.product_line_ids - held.product_line_id

    done, wall, queries = naive_loop(env, partners, process, budget)
    return done, len(partners), wall + search_time, queries


ACCESS_JOBS = ["offers", "trend", "risk", "segments", "expiry", "renewals"]
ACCESS_CHECKS = (
    "check_manager_fields",
    "check_target_access",
    "check_targets_access",
    "check_onchange_targets",
)


def disable_access_checks():
    """Make the module's value checks (``tools/access.py``) no-ops wherever
    they were imported: the baseline their cost is measured against."""
    from odoo.addons.customer_portfolio.tools import access

    originals = [getattr(access, name) for name in ACCESS_CHECKS]
    patched = 0
    for module in list(sys.modules.values()):
        if not getattr(module, "__name__", "").startswith(
            "odoo.addons.customer_portfolio"
        ):
            continue
        for attr, value in list(vars(module).items()):
            if any(value is original for original in originals):
                setattr(module, attr, lambda *args, **kwargs: None)
                patched += 1
    if not patched:
        raise SystemExit("no access check found to disable: tools/access.py moved?")


def run_step(
    config, db, step, budget, profile=None, addons_path=None, without_checks=False
):
    """Run one step (fast or naive) in this process; print its figures as JSON."""
    PROFILE.update(dir=profile, step=step)
    _registry, cr, env = odoo_env(config, db, addons_path)
    if without_checks:
        disable_access_checks()
    baseline_rss = peak_rss_mb()
    try:
        if step.endswith("_naive"):
            func = globals()[f"step_{step}"]
            out = func(env, budget)
            done, total, wall, queries = out[:4]
            result = {
                "done": done,
                "total": total,
                "wall": wall,
                "queries": queries,
                # linear in the rows scanned
                "extrapolated": wall * total / done if done else None,
            }
        else:
            result = globals()[f"step_{step}"](env)
    finally:
        cr.rollback()
        cr.close()
    result["rss"] = peak_rss_mb()
    result["baseline_rss"] = baseline_rss
    print("BENCH-RESULT " + json.dumps(result), flush=True)


# ---- the campaign day (1 December): offers and emails to every client ------


def campaign_day(env):
    """The first 1 December after the bench day (whose history is seeded)."""
    day = bench_day(env)
    return date(day.year + (day >= date(day.year, 12, 1)), 12, 1)


def campaign_setup(env, port, budget):
    """Point Odoo's outgoing mail at the SMTP sink; count the eligible clients."""
    env["ir.mail_server"].search([]).active = False
    env["ir.mail_server"].create(
        {"name": "Bench sink", "smtp_host": "127.0.0.1", "smtp_port": port}
    )
    template = env.ref("customer_portfolio.offer_template_high_spend")
    return {
        "eligible": env["res.partner"].search_count(template._get_partner_domain()),
        "offers": count(env, "customer_offer"),
        "mails": count(env, "mail_mail", "state = 'outgoing'"),
    }


def campaign_worker(env, port, budget):
    """One worker of the cron's run on 1 December, as the offer cron does it."""
    Batch = env["customer.offer.batch"]
    day = campaign_day(env)
    _offers, wall, queries = measure(
        env, lambda: Batch._run(day)._schedule_run_digest()
    )
    return {"wall": wall, "queries": queries}


def campaign_count(env, port, budget):
    return {
        "offers": count(env, "customer_offer"),
        "mails": count(env, "mail_mail", "state = 'outgoing'"),
    }


def campaign_naive(env, port, budget):
    """The naive way of the workers' work: for each of the day's jobs, create
    each offer and send_mail each, on a time budget (rolled back)."""
    day = campaign_day(env)
    started = time.perf_counter()
    work = [
        (job, env["res.partner"].search(job["domain"], order="id"))
        for job in env["customer.offer"]._get_offer_jobs(day)
    ]
    search_time = time.perf_counter() - started
    total = sum(len(partners) for _job, partners in work)
    done = wall = queries = 0
    for job, partners in work:

        def process(partner, job=job):
            offer = env["customer.offer"].create(
                {
                    "partner_id": partner.id,
                    "template_id": job["template"].id,
                    "occasion_key": job["key"],
                    "date_start": job["date_start"],
                    "date_end": job["date_end"],
                }
            )
            if job["template"].mail_template_id:
                job["template"].mail_template_id.send_mail(offer.id)
                offer.state = "sent"

        job_done, job_wall, job_queries = naive_loop(
            env, partners, process, budget - wall, chunk=100
        )
        done, wall, queries = done + job_done, wall + job_wall, queries + job_queries
        if wall > budget:
            break
    env.cr.rollback()
    return {
        "done": done,
        "total": total,
        "wall": wall + search_time,
        "queries": queries,
        "extrapolated": (wall * total / done if done else 0) + search_time,
    }


def campaign_drain(env, port, budget):
    """Odoo's mail queue, as its cron runs it, until empty or out of budget."""
    Mail = env["mail.mail"]
    before = count(env, "mail_mail", "state = 'outgoing'")
    started = time.perf_counter()
    while time.perf_counter() - started < budget and count(
        env, "mail_mail", "state = 'outgoing'"
    ):
        Mail.process_email_queue()
        env.invalidate_all()
    wall = time.perf_counter() - started
    left = count(env, "mail_mail", "state = 'outgoing'")
    return {
        "wall": wall,
        "sent": before - left,
        "left": left,
        "failed": count(env, "mail_mail", "state = 'exception'"),
    }


def run_campaign_child(config, db, role, port, budget, profile=None):
    PROFILE.update(dir=profile, step=f"campaign_{role}")
    _registry, cr, env = odoo_env(config, db)
    try:
        result = globals()[f"campaign_{role}"](env, port, budget)
        cr.commit()
    finally:
        cr.close()
    result["rss"] = peak_rss_mb()
    print("BENCH-RESULT " + json.dumps(result), flush=True)


# ----------------------------------------------------------------------------
# Orchestration (the parent process does not import Odoo)
# ----------------------------------------------------------------------------


def child(args, *extra):
    cmd = [sys.executable, os.path.abspath(__file__), "--config", args.config, *extra]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    lines = proc.stdout.splitlines()
    results = [line for line in lines if line.startswith("BENCH-RESULT ")]
    for line in lines:
        if not line.startswith("BENCH-RESULT "):
            print(line)
    if proc.returncode or (extra[0] == "--step" and not results):
        sys.stderr.write(proc.stderr[-5000:])
        raise SystemExit(f"{' '.join(extra)} failed ({proc.returncode})")
    return json.loads(results[-1][len("BENCH-RESULT ") :]) if results else None


def build(args, db, size):
    built = subprocess.run(
        [
            "psql",
            "-d",
            db,
            "-Atqc",
            (
                "SELECT value FROM ir_config_parameter"
                " WHERE key = 'customer_portfolio.bench_built'"
            ),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if args.reuse and built.stdout.strip() == str(size):
        print(f"Reusing database {db}")
        return
    print(f"Building database {db} with {size} clients")
    subprocess.run(["dropdb", "--if-exists", "--force", db], check=True)
    started = time.time()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "odoo",
            "-c",
            args.config,
            "-d",
            db,
            "-i",
            "customer_portfolio",
            "--stop-after-init",
            "--log-level=warn",
        ],
        check=True,
    )
    print(f"  module installed: {time.time() - started:.1f}s", flush=True)
    child(args, "--build", db, "--size", str(size))


def spawn(args, *extra):
    cmd = [sys.executable, os.path.abspath(__file__), "--config", args.config, *extra]
    pipe = subprocess.PIPE
    return subprocess.Popen(cmd, stdout=pipe, stderr=pipe, text=True)


def collect(proc, what):
    out, err = proc.communicate()
    results = [line for line in out.splitlines() if line.startswith("BENCH-RESULT ")]
    if proc.returncode or not results:
        sys.stderr.write(err[-5000:])
        raise SystemExit(f"{what} failed ({proc.returncode})")
    return json.loads(results[-1][len("BENCH-RESULT ") :])


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_campaign(args, db):
    """1 December on a copy of ``db``: the naive way (rolled back), then
    ``--workers`` offer workers at once, then Odoo's mail queue draining into
    a local SMTP sink."""
    copy = f"{db}_campaign"
    subprocess.run(["dropdb", "--if-exists", "--force", copy], check=True)
    subprocess.run(["createdb", "-T", db, copy], check=True)
    port = free_port()
    sink_out = os.path.join("/tmp", f"{copy}_sink.json")
    sink = subprocess.Popen(
        [sys.executable, os.path.join(HERE, "smtp_sink.py"), str(port), sink_out],
        stdout=subprocess.PIPE,
        text=True,
    )
    sink.stdout.readline()
    profile = ["--profile", os.path.abspath(args.profile)] if args.profile else []

    def role(name, budget=0.0):
        return (
            "--campaign", name, "--db", copy, "--port", str(port),
            "--budget", str(budget), *profile,
        )  # fmt: skip

    try:
        before = collect(spawn(args, *role("setup")), "campaign setup")
        naive = None
        if args.naive_budget > 0:
            naive = collect(spawn(args, *role("naive", args.naive_budget)), "naive")
        started = time.perf_counter()
        procs = [spawn(args, *role("worker")) for _i in range(args.workers)]
        workers = [collect(proc, "campaign worker") for proc in procs]
        wall = time.perf_counter() - started
        after = collect(spawn(args, *role("count")), "campaign count")
        drain = collect(spawn(args, *role("drain", args.drain_budget)), "mail queue")
    finally:
        sink.terminate()
        sink.wait()
        if not args.keep:
            subprocess.run(["dropdb", "--if-exists", "--force", copy], check=False)
    with open(sink_out, encoding="utf-8") as sink_file:
        delivered = json.load(sink_file)
    return {
        "eligible": before["eligible"],
        "offers": after["offers"] - before["offers"],
        "mails": after["mails"] - before["mails"],
        "wall": wall,
        "workers": workers,
        "naive": naive,
        "drain": drain,
        "delivered": delivered["delivered"],
    }


def campaign_report(size, c):
    rss = max(w["rss"] for w in c["workers"])
    naive = c["naive"]
    drain_wall = c["drain"]["wall"]
    lines = [
        f"\n### Campaign day, 1 December, {size:,} clients\n",
        "| | Count | Wall (s) | Per second |",
        "|---|---:|---:|---:|",
        f"| offers made ({len(c['workers'])} workers at once) | {c['offers']:,} "
        + f"| {c['wall']:.1f} | {fmt_rate(c['offers'], c['wall'])} |",
        f"| emails queued | {c['mails']:,} | {c['wall']:.1f} "
        + f"| {fmt_rate(c['mails'], c['wall'])} |",
        f"| emails delivered to the SMTP sink (mail queue) | {c['delivered']:,} "
        + f"| {drain_wall:.1f} | {fmt_rate(c['delivered'], drain_wall)} |",
    ]
    if naive:
        lines.append(
            f"| naive way (create + send_mail each, 1 process) | "
            f"{naive['done']:,} of {naive['total']:,} | {naive['wall']:.1f} "
            f"| {fmt_rate(naive['done'], naive['wall'])} |"
        )
    lines.append("")
    lines.append(
        f"- eligible clients: {c['eligible']:,}; peak RSS per worker: {rss:.0f} MB; "
        f"queries per worker: {', '.join(str(w['queries']) for w in c['workers'])}"
    )
    if naive and naive["extrapolated"]:
        lines.append(
            f"- naive way extrapolated to all {naive['total']:,} offers: "
            f"{naive['extrapolated']:,.0f} s, "
            f"{naive['extrapolated'] / c['wall']:,.1f}x the workers' wall time"
        )
    d = c["drain"]
    lines.append(
        f"- mail queue: {d['sent']:,} sent, {d['left']:,} left after the "
        f"{d['wall']:.0f} s budget, {d['failed']:,} failed"
    )
    return "\n".join(lines)


def fmt_rate(rows, wall):
    return f"{rows / wall:,.0f}" if wall else "-"


def run_size(args, size):
    db = f"cp_bench_{size}"
    build(args, db, size)
    results = {}
    for step in args.steps:
        print(f"[{size}] {step} ...", flush=True)
        if step == "campaign":
            results[step] = run_campaign(args, db)
            print(f"[{size}] campaign: {json.dumps(results[step])}", flush=True)
            continue
        if step == "access_cost":
            results[step] = run_access_cost(args, db)
            continue
        profile = ["--profile", os.path.abspath(args.profile)] if args.profile else []
        fast = child(args, "--step", step, "--db", db, *profile)
        naive = None
        if args.naive_budget > 0:
            print(f"[{size}] {step} (naive, {args.naive_budget:.0f} s budget) ...")
            naive = child(
                args,
                "--step",
                f"{step}_naive",
                "--db",
                db,
                "--budget",
                str(args.naive_budget),
            )
        results[step] = (fast, naive)
        print(f"[{size}] {step}: {json.dumps([fast, naive])}", flush=True)
    if not args.keep:
        subprocess.run(["dropdb", "--if-exists", "--force", db], check=True)
    return results


def run_access_cost(args, db, rounds=2):
    """Each daily job with the module's access checks and without them
    (alternately, best of ``rounds``): what the checks cost the jobs."""
    costs = {}
    for job in args.access_jobs.split(","):
        walls = {True: [], False: []}
        for _round in range(rounds):
            for checked in (True, False):
                extra = () if checked else ("--without-access-checks",)
                walls[checked].append(
                    child(args, "--step", job, "--db", db, *extra)["wall"]
                )
        costs[job] = (min(walls[True]), min(walls[False]))
        print(f"  {job}: {json.dumps(costs[job])}", flush=True)
    return costs


def access_cost_report(size, costs):
    lines = [
        f"\n### What the access checks cost the daily jobs, {size:,} clients\n",
        "| Job | With the checks (s) | Without (s) | Difference |",
        "|---|---:|---:|---:|",
    ]
    for job, (checked, unchecked) in costs.items():
        lines.append(
            f"| {LABELS[job]} | {checked:.2f} | {unchecked:.2f} "
            f"| {100 * (checked - unchecked) / unchecked:+.1f} % |"
        )
    total_checked = sum(c for c, _u in costs.values())
    total_unchecked = sum(u for _c, u in costs.values())
    lines.append(
        f"| all of them | {total_checked:.2f} | {total_unchecked:.2f} "
        f"| {100 * (total_checked - total_unchecked) / total_unchecked:+.1f} % |"
    )
    return "\n".join(lines)


def core_addons_path(config):
    """The configuration's addons path without the folder of customer_portfolio."""
    import configparser

    parser = configparser.ConfigParser()
    parser.read(config)
    paths = parser["options"]["addons_path"].split(",")
    return [
        p for p in paths if not os.path.isdir(os.path.join(p, "customer_portfolio"))
    ]


def run_contact_cost(args):
    """Measure what a plain contact pays on three fresh databases: without the
    module (contacts and mail only), with the module, and, with
    ``--before-addons DIR``, with the version of the module in DIR."""
    variants = [("contacts and mail only", "contacts,mail", None)]
    if args.before_addons:
        before = ",".join(
            [os.path.abspath(args.before_addons), *core_addons_path(args.config)]
        )
        variants.append(("with the module, before", "customer_portfolio", before))
    variants.append(("with the module", "customer_portfolio", None))
    results = []
    for n, (label, modules, addons_path) in enumerate(variants):
        db = f"cp_bench_contacts_{n}"
        extra = [f"--addons-path={addons_path}"] if addons_path else []
        exists = subprocess.run(
            ["psql", "-d", db, "-Atqc", "SELECT 1"], capture_output=True, check=False
        )
        if args.reuse and exists.returncode == 0:
            print(f"Reusing database {db} ({label})")
        else:
            print(f"Building database {db} ({label}: {modules})", flush=True)
            subprocess.run(["dropdb", "--if-exists", "--force", db], check=True)
            subprocess.run(
                [sys.executable, "-m", "odoo", "-c", args.config, "-d", db,
                 "-i", modules, "--stop-after-init", "--log-level=warn", *extra],
                check=True,
            )  # fmt: skip
        print(f"[contacts] {label} ...", flush=True)
        step = ["--step", "contact_cost", "--db", db]
        result = child(
            args, *step, *(["--addons-path", addons_path] if addons_path else [])
        )
        results.append((label, result))
        if not args.keep:
            subprocess.run(["dropdb", "--if-exists", "--force", db], check=True)
    return results


def report_contact_cost(results):
    out = ["\n### What a contact pays\n"]
    out.append("| Operation | " + " | ".join(label for label, _r in results) + " |")
    out.append("|---|" + "---:|" * len(results))
    for i, row in enumerate(results[0][1]["rows"]):
        cells = []
        for _label, result in results:
            r = result["rows"][i]
            cells.append(
                f"{r['wall'] / r['n'] * 1000:,.1f} ms, {r['queries'] / r['n']:,.1f} q"
            )
        out.append(f"| {row['label']} | " + " | ".join(cells) + " |")
    out.append(
        "\nWall time in ms and SQL queries, per contact (per batch for the"
        f" batch create, median of {CHATTER_LOADS} loads for the chatter)."
    )
    return "\n".join(out)


LABELS = {
    "offers": "generate_offers, an ordinary day (history seeded)",
    "trend": "income trend, all clients: band change",
    "trend_full": "income trend, all clients: full recompute from the records",
    "risk": "risk area activation",
    "segments": "segment recompute, all clients (daily)",
    "expiry": "offer expiry job",
    "renewals": "renewal reminders job (one holding per client)",
    "gaps": "Has Gaps search on one agent's book",
}


def report(all_results):
    out = []
    for size, results in all_results.items():
        out.append(f"\n### {size:,} clients\n")
        out.append(
            "| Job | Rows | Wall (s) | Rows/s | Queries | Peak RSS (MB) "
            "| Naive way (s) | Speed-up |"
        )
        out.append("|---|---:|---:|---:|---:|---:|---|---:|")
        campaign = results.pop("campaign", None)
        access_costs = results.pop("access_cost", None)
        for step, (fast, naive) in results.items():
            naive_txt, ratio = "-", "-"
            if naive:
                if naive["done"] < naive["total"]:
                    naive_txt = (
                        f"{naive['extrapolated']:,.0f} (extrapolated from "
                        f"{naive['done']:,} of {naive['total']:,} rows in "
                        f"{naive['wall']:.0f} s)"
                    )
                else:
                    naive_txt = f"{naive['wall']:.1f} (all {naive['total']:,} rows)"
                ratio = f"{naive['extrapolated'] / fast['wall']:,.0f}×"
            out.append(
                f"| {LABELS[step]} | {fast['rows']:,} | {fast['wall']:.2f} | "
                f"{fmt_rate(fast['rows'], fast['wall'])} | {fast['queries']:,} | "
                f"{fast['rss']:.0f} | {naive_txt} | {ratio} |"
            )
        out.append("")
        for step, (fast, _naive) in results.items():
            out.append(f"- {LABELS[step]}: {fast['detail']}")
        sel = results.get("offers", (None,))[0]
        if sel:
            s = sel["selection"]
            out.append(
                f"- birthday selection: {s['rows']} clients, "
                f"{s['first_ms']:.1f} ms first run, {s['best_ms']:.1f} ms best of 3"
            )
            out.append("\n```\n" + s["plan"] + "\n```")
        if campaign:
            out.append(campaign_report(size, campaign))
        if access_costs:
            out.append(access_cost_report(size, access_costs))
    daily = {
        size: sum(r[step][0]["wall"] for step in ("offers", "expiry") if step in r)
        for size, r in all_results.items()
        if "offers" in r or "expiry" in r
    }
    if len(daily) > 1:
        small, large = min(daily), max(daily)
        out.append(
            f"\nDaily run (offers + expiry): {daily[small]:.1f} s on {small:,} "
            f"clients, {daily[large]:.1f} s on {large:,} clients: "
            f"ratio {daily[large] / daily[small]:.2f} (same {BIRTHDAYS} birthdays)."
        )
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", required=True, help="Odoo configuration file")
    parser.add_argument(
        "--sizes", default="100000,1000000", help="comma-separated client counts"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="reuse a built database (implies --keep)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    parser.add_argument(
        "--steps",
        default=",".join(STEPS),
        help=f"among {','.join(STEPS + CONTACT_STEPS)}",
    )
    parser.add_argument(
        "--naive-budget",
        type=float,
        default=60,
        help="seconds given to each naive run (0: skip them)",
    )
    parser.add_argument(
        "--profile", metavar="DIR", help="write a pyinstrument profile of each job"
    )
    parser.add_argument(
        "--workers", type=int, default=2, help="offer workers of the campaign day"
    )
    parser.add_argument(
        "--drain-budget",
        type=float,
        default=300,
        help="seconds given to the mail queue on the campaign day",
    )
    parser.add_argument(
        "--access-jobs",
        default=",".join(ACCESS_JOBS),
        help="access_cost: the jobs measured with and without the checks",
    )
    parser.add_argument("--campaign", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--build", metavar="DB", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--budget", type=float, help=argparse.SUPPRESS)
    parser.add_argument(
        "--before-addons",
        metavar="DIR",
        help="contact_cost: also measure the customer_portfolio found in DIR",
    )
    parser.add_argument("--addons-path", help=argparse.SUPPRESS)
    parser.add_argument(
        "--without-access-checks", action="store_true", help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.build:
        return run_build(args.config, args.build, args.size)
    if args.campaign:
        return run_campaign_child(
            args.config, args.db, args.campaign, args.port, args.budget, args.profile
        )
    if args.step:
        return run_step(
            args.config,
            args.db,
            args.step,
            args.budget,
            args.profile,
            args.addons_path,
            args.without_access_checks,
        )
    args.keep = args.keep or args.reuse
    steps = [s for s in args.steps.split(",") if s]
    args.steps = [s for s in steps if s not in CONTACT_STEPS]
    contact_results = run_contact_cost(args) if "contact_cost" in steps else None
    all_results = {}
    if args.steps:
        for size in (int(s) for s in args.sizes.split(",")):
            all_results[size] = run_size(args, size)
        print(report(all_results))
    if contact_results:
        print(report_contact_cost(contact_results))


if __name__ == "__main__":
    main()
