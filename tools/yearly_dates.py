"""Yearly occasions (birthdays, client anniversaries) and the 29 February rule.

One rule everywhere: an occasion of 29 February falls on 28 February in common
years, so that it is never missed.
"""

import calendar
from collections import defaultdict
from datetime import timedelta

from odoo import fields
from odoo.fields import Domain
from odoo.tools import SQL


def occasion_date(month, day, year):
    """Return the date a yearly occasion (``month``, ``day``) falls on in ``year``."""
    if (month, day) == (2, 29) and not calendar.isleap(year):
        day = 28
    return fields.Date.to_date(f"{year:04d}-{month:02d}-{day:02d}")


def next_occurrence(day, today):
    """The first yearly occurrence of ``day`` on or after ``today``."""
    this_year = occasion_date(day.month, day.day, today.year)
    if this_year >= today:
        return this_year
    return occasion_date(day.month, day.day, today.year + 1)


def month_day_domain(month_field, day_field, date_from, date_to):
    """Domain matching a yearly (month, day) that falls between two dates,
    both included (a year at most)."""
    days_by_month = defaultdict(set)
    day = date_from
    while day <= min(date_to, date_from + timedelta(days=365)):
        days_by_month[day.month].add(day.day)
        if (day.month, day.day) == (2, 28) and not calendar.isleap(day.year):
            days_by_month[2].add(29)
        day += timedelta(days=1)
    return Domain.OR(
        Domain(month_field, "=", month) & Domain(day_field, "in", sorted(days))
        for month, days in days_by_month.items()
    )


def occurrence_sql(year, month, day):
    """SQL date of the yearly occasion of the SQL expressions ``month`` and
    ``day`` in ``year``."""
    if calendar.isleap(year):
        return SQL("make_date(%s, %s, %s)", year, month, day)
    return SQL(
        "make_date(%s, %s, CASE WHEN %s = 2 AND %s = 29 THEN 28 ELSE %s END)",
        year,
        month,
        month,
        day,
        day,
    )
