"""19.0.2.0.0: the contact pays only for clients.

The index on the target flag (a boolean no query filters on alone) goes, and
the life-cycle stage index is recreated without the contacts that have no
stage. The yearly occasion indexes are recreated partial by the ORM itself.
"""

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
