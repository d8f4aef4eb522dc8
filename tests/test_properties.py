"""Property tests of the register's rules, against reference implementations
written independently of the module's SQL and ORM code.

Needs ``hypothesis`` (scripts/requirements-test.txt); tests/__init__.py leaves
this module out when it is not installed.
"""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo import fields
from odoo.tests import tagged

from .common import PortfolioCommon

HYPOTHESIS = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def reference_trend(records, band=Decimal(5)):
    """The income rule of readme/USAGE.md, written independently of the SQL.

    ``records`` are (date, amount, currency) in the order they were recorded.
    """
    if not records:
        return False, "unknown", 0.0
    ordered = sorted(enumerate(records), key=lambda r: (r[1][0], r[0]), reverse=True)
    latest = ordered[0][1]
    if len(ordered) < 2:
        return latest[1], "unknown", 0.0
    previous = ordered[1][1]
    if previous[1] == 0 or previous[2] != latest[2]:
        return latest[1], "unknown", 0.0
    delta = latest[1] - previous[1]
    pct = (100 * delta / previous[1]).quantize(Decimal("0.01"), ROUND_HALF_UP)
    if 100 * delta > band * previous[1]:
        trend = "increasing"
    elif 100 * delta < -band * previous[1]:
        trend = "decreasing"
    else:
        trend = "stable"
    return latest[1], trend, float(pct)


def reference_stage(age, marital_status, children, retired):
    """The life-cycle rule of readme/USAGE.md (first rule that applies)."""
    if retired or (age is not None and age >= 65):
        return "retired"
    if age is not None and age >= 55:
        return "empty_nest"
    if children and (age is None or age < 40):
        return "young_family"
    if children:
        return "mature_family"
    if marital_status in ("married", "partnership"):
        return "couple"
    if marital_status or age is not None:
        return "young_single"
    return False


@tagged("post_install", "-at_install")
class TestRegisterProperties(PortfolioCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.usd = cls.env.company.currency_id
        cls.eur = cls.env.ref("base.EUR") if cls.usd.name != "EUR" else cls.usd
        cls.today = fields.Date.context_today(cls.env["res.partner"])

    @HYPOTHESIS
    @given(
        st.lists(
            st.tuples(
                st.integers(0, 20),
                st.integers(0, 500_000).map(lambda cents: Decimal(cents) / 100),
                st.sampled_from(["usd", "usd", "usd", "eur"]),
            ),
            max_size=5,
        )
    )
    def test_income_trend_matches_the_rule(self, records):
        partner = self.env["res.partner"].create({"name": "Income"})
        Income = self.env["customer.income.record"]
        for days_ago, amount, currency in records:
            Income.create(
                {
                    "partner_id": partner.id,
                    "date": self.today - timedelta(days=days_ago),
                    "amount": float(amount),
                    "currency_id": getattr(self, currency).id,
                }
            )
        amount, trend, pct = reference_trend(
            [(-days_ago, amount, currency) for days_ago, amount, currency in records]
        )
        self.assertEqual(partner.income_trend, trend, records)
        self.assertAlmostEqual(partner.income_trend_pct, pct, places=2, msg=records)
        self.assertAlmostEqual(partner.income_amount, float(amount or 0), places=2)

    @HYPOTHESIS
    @given(
        st.one_of(st.none(), st.integers(0, 90)),
        st.sampled_from([False, "single", "married", "partnership", "divorced"]),
        st.integers(0, 4),
        st.booleans(),
    )
    def test_lifecycle_stage_matches_the_rule(self, age, marital, children, retired):
        birthdate = age is not None and self.today - relativedelta(years=age, days=1)
        partner = self.env["res.partner"].create(
            {
                "name": "Stage",
                "birthdate": birthdate,
                "marital_status": marital,
                "children_count": children,
                "is_retired": retired,
            }
        )
        self.assertEqual(
            partner.lifecycle_stage,
            reference_stage(age, marital, children, retired),
            (age, marital, children, retired),
        )
