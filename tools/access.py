"""Access helpers shared by the register's models.

Record rules are checked on the records before a write, not on the values
written: these helpers check the values (the partner a record is moved onto,
the fields only a manager or the system may set).
"""

from odoo.exceptions import AccessError

AGENT_GROUP = "customer_portfolio.group_portfolio_agent"
MANAGER_GROUP = "customer_portfolio.group_portfolio_manager"


def is_portfolio_manager(env):
    """Whether ``env`` may set the register's system and derived fields: the
    superuser (jobs, imports through ``sudo``) and the portfolio managers."""
    return env.su or env.user.has_group(MANAGER_GROUP)


def check_manager_fields(records, vals, fnames):
    """Refuse to an agent (or anyone below manager) the fields of ``fnames``
    that ``vals`` would change on ``records``, with a translated AccessError
    naming them. Writing back the value a field holds is no change."""
    forbidden = sorted(set(fnames).intersection(vals))
    if not forbidden or is_portfolio_manager(records.env):
        return
    current = records.sudo()
    forbidden = [
        fname
        for fname in forbidden
        if not current
        or any(not _holds(record, fname, vals[fname]) for record in current)
    ]
    if forbidden:
        raise AccessError(
            records.env._(
                "Only a portfolio manager can set %(fields)s on %(model)s: "
                "these fields are set by the system or by the manager's tools.",
                fields=", ".join(
                    records._fields[fname]._description_string(records.env)
                    for fname in forbidden
                ),
                model=records._description,
            )
        )


def _holds(record, fname, value):
    """Whether ``record`` already holds the written ``value`` of ``fname``."""
    field = record._fields[fname]
    if field.type == "many2one":
        return record[fname].id == (value or False)
    if field.type in ("one2many", "many2many"):
        return False
    return record[fname] == value or (not record[fname] and not value)


def check_target_access(records, vals, fname, operation="write"):
    """Check that the user may ``operation`` the record ``vals[fname]`` points
    to (a many2one id), as the record rules would check it on that record."""
    check_targets_access(records, [vals], fname, operation)


def check_targets_access(records, vals_list, fname, operation="write"):
    """Check that the user may ``operation`` the records the many2one
    ``fname`` of ``vals_list`` points to, in two queries for the whole list.

    A missing record and a forbidden one get the same AccessError, which names
    neither: the answer tells nothing about records the user may not read.
    """
    if records.env.su:
        return
    ids = {vals[fname] for vals in vals_list if vals.get(fname)}
    if not ids:
        return
    field = records._fields[fname]
    targets = records.env[field.comodel_name].browse(ids).exists()
    if len(targets) < len(ids) or targets._filtered_access(operation) != targets:
        raise AccessError(
            records.env._(
                "You cannot set this %(field)s on %(model)s: it is not one you "
                "may change.",
                field=field._description_string(records.env),
                model=records._description,
            )
        )


def check_onchange_targets(records, values, fnames):
    """Before an onchange: the user must be able to read the records that the
    many2one ``fnames`` of ``values`` point to, otherwise the values derived
    from them (computed as superuser) would tell what the rules hide."""
    if records.env.su:
        return
    for fname in fnames:
        # a first onchange takes the defaults from the context too
        value = values.get(fname) or records.env.context.get(f"default_{fname}")
        if isinstance(value, dict):
            value = value.get("id")
        if isinstance(value, int) and value:
            check_target_access(records, {fname: value}, fname, "read")


def hide_from_read(records, result, hidden):
    """Add to the result of ``_check_access("read")`` the records of
    ``hidden`` (a domain, or None to hide nothing)."""
    if not hidden:
        return result
    return forbid_read(result, records.sudo().filtered_domain(hidden).sudo(False))


def forbid_read(result, forbidden):
    """Add the records ``forbidden`` to the result of ``_check_access("read")``."""
    if result:
        forbidden -= result[0]
        return (result[0] + forbidden, result[1]) if forbidden else result
    if forbidden:
        return forbidden, lambda: forbidden._make_access_error("read")
    return None
