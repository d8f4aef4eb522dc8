"""19.0.2.0.0: the contact pays only for clients.

The index on the target flag (a boolean no query filters on alone) goes, and
the life-cycle stage index is recreated without the contacts that have no
stage. The yearly occasion indexes are recreated partial by the ORM itself.
The risk areas' match keys are kept for clients only: the other contacts' keys
are cleared, so that they leave the keys' indexes.
"""

from odoo.tools import SQL
from odoo.tools.sql import drop_index

DROPPED_INDEXES = (
    "res_partner__is_target_client_index",
    "res_partner__lifecycle_stage_index",
)


def migrate(cr, version):
    if not version:
        return
    for index in DROPPED_INDEXES:
        drop_index(cr, index, "res_partner")
    cr.execute(
        SQL(
            """UPDATE res_partner
                  SET location_city_key = NULL, location_zip_key = NULL,
                      write_date = now() AT TIME ZONE 'UTC', write_uid = 1
                WHERE portfolio_id IS NULL
                  AND (location_city_key IS NOT NULL OR location_zip_key IS NOT NULL)"""
        )
    )
