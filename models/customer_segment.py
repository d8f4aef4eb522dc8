import ast
import logging

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain
from odoo.service.model import retrying
from odoo.tools import SQL, ormcache

_logger = logging.getLogger(__name__)

# Changing one of these makes a client enter or leave every segment's scope.
SEGMENT_SCOPE_FIELDS = {"portfolio_id", "active"}
# Above this many clients, a change of segments reassigns them in the segment
# job, started at once, not in the manager's request, which could time out.
SYNC_RECOMPUTE_LIMIT = 50000


class CustomerSegment(models.Model):
    """A group of clients sharing traits, with the offer package made for them.

    Each client belongs to the first segment, by sequence, whose domain matches
    them (among the segments of their portfolio's company). Assignment is
    set-based (:meth:`_recompute_segments`): one query per segment, never one
    domain evaluation per client. It runs when segments change, for the clients
    whose segment-relevant fields are written, daily, and on demand.
    """

    _name = "customer.segment"
    _description = "Client Segment"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    domain = fields.Char(
        default="[]",
        required=True,
        help="The clients of this segment: the first segment, by sequence, whose "
        "domain matches a client is theirs.",
    )
    is_target = fields.Boolean(string="Target Segment")
    offer_template_ids = fields.Many2many(
        "customer.offer.template",
        "customer_offer_template_segment_rel",
        "segment_id",
        "template_id",
        string="Offer Package",
    )
    product_line_ids = fields.Many2many(
        "customer.product.line",
        "customer_segment_product_line_rel",
        "segment_id",
        "line_id",
        string="Product Package",
        domain="[('company_id', 'in', [company_id, False])]",
        help="The product lines every client of the segment should hold: those "
        "a client lacks are their package gaps.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    price_min = fields.Monetary(string="Minimum Price")
    price_max = fields.Monetary(string="Maximum Price")
    payment_terms_note = fields.Text(string="Payment Conditions", translate=True)
    partner_ids = fields.One2many("res.partner", "segment_id", string="Clients")
    partner_count = fields.Integer(
        string="Number of Clients", compute="_compute_partner_count"
    )

    _check_price_range = models.Constraint(
        "CHECK(price_min IS NULL OR price_max IS NULL OR price_min <= price_max)",
        "The minimum price of a segment cannot exceed its maximum price.",
    )

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_partner_count(self):
        """Count the clients the user may see (the stat button opens them)."""
        counts = dict(
            self.env["res.partner"]._read_group(
                [("segment_id", "in", self.ids)], ["segment_id"], ["__count"]
            )
        )
        for segment in self:
            segment.partner_count = counts.get(segment, 0)

    @api.constrains("domain")
    def _check_domain(self):
        for segment in self:
            try:
                domain = segment._get_partner_domain()
                query = (
                    self.env["res.partner"]
                    .with_context(active_test=False)
                    ._search(domain, limit=1)
                )
                # try it once: some errors (e.g. a text compared to a number)
                # only show up in the database
                with self.env.cr.savepoint():
                    query.get_result_ids()
            except (
                ValueError,
                TypeError,
                KeyError,
                UserError,
                psycopg2.Error,
            ) as error:
                raise ValidationError(
                    self.env._(
                        "The domain of segment %(name)s is not a valid client "
                        "domain: %(error)s\n\nEdit it with the domain editor, or "
                        "write a list of conditions on client fields with literal "
                        "values only, e.g. [('client_tier', '=', 'vip')].",
                        name=segment.name,
                        error=error,
                    )
                ) from error

    @api.model_create_multi
    def create(self, vals_list):
        segments = super().create(vals_list)
        self._segments_changed()
        return segments

    def write(self, vals):
        result = super().write(vals)
        if vals.keys() & {"domain", "sequence", "is_target", "active", "company_id"}:
            self._segments_changed()
        return result

    def unlink(self):
        result = super().unlink()
        self._segments_changed()
        return result

    def action_recompute_segments(self):
        """Reassign every client to its segment (managers): at once, or on a
        large base through the segment job, started now."""
        self.check_access("write")
        if self._is_large_base():
            params = {"type": "info", "message": self._recompute_segments_later()}
        else:
            params = {
                "type": "success",
                "message": self.env._(
                    "Segments recomputed: %(count)s client(s) changed segment.",
                    count=self._recompute_segments(),
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            }
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": params,
        }

    def action_open_clients(self):
        """Open the clients of this segment."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_portfolio.res_partner_action_portfolio_clients"
        )
        action["domain"] = [("segment_id", "=", self.id)]
        action["context"] = {}
        return action

    def _get_partner_domain(self):
        """The segment's domain as a Domain; raise ValueError if it is not one.

        Only literals are accepted (no names, calls or attributes): the text is
        read with ``ast.literal_eval``, never evaluated.
        """
        self.ensure_one()
        try:
            value = ast.literal_eval((self.domain or "[]").strip())
        except SyntaxError as error:
            raise ValueError(
                self.env._("it is not well-formed (check brackets, quotes and commas)")
            ) from error
        except (ValueError, MemoryError, RecursionError) as error:
            raise ValueError(
                self.env._(
                    "it cannot be read as a list of conditions with literal values "
                    "(code, names and function calls are not allowed)"
                )
            ) from error
        if not isinstance(value, list | tuple):
            raise TypeError(self.env._("a domain is a list of conditions"))
        domain = Domain(value)
        domain.validate(self.env["res.partner"])
        return domain

    @api.model
    def _get_valid_domains(self):
        """The active segments in order, with their domain.

        A domain that no longer validates (e.g. a field removed since) is
        skipped and logged, so that it never blocks the clients' edition.
        """
        for segment in self.sudo().search([("active", "=", True)]):
            try:
                yield segment, segment._get_partner_domain()
            except (ValueError, TypeError, KeyError, UserError) as error:
                _logger.error(
                    "Segment %s skipped, invalid domain: %s", segment.id, error
                )

    def _segments_changed(self):
        self.env.registry.clear_cache()
        if self._is_large_base():
            # a save returns no action: the notification goes through the bus
            self.env.user._bus_send(
                "simple_notification",
                {"type": "info", "message": self._recompute_segments_later()},
            )
        else:
            self._recompute_segments()

    @api.model
    def _is_large_base(self):
        """Whether reassigning the clients is a job for the background."""
        clients = (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            .search_count(
                [("portfolio_id", "!=", False)], limit=SYNC_RECOMPUTE_LIMIT + 1
            )
        )
        return clients > SYNC_RECOMPUTE_LIMIT

    @api.model
    def _recompute_segments_later(self):
        """Start the segment job now; return the message telling the user so."""
        self.env.ref("customer_portfolio.ir_cron_recompute_segments").sudo()._trigger()
        return self.env._(
            "The clients are being reassigned to the segments in the background; "
            "the counts update within a few minutes."
        )

    @ormcache()
    def _get_segment_trigger_fields(self):
        """Client fields whose change may move a client to another segment."""
        Partner = self.env["res.partner"]
        names = set(SEGMENT_SCOPE_FIELDS)
        for _segment, domain in self._get_valid_domains():
            for condition in domain.iter_conditions():
                field = Partner._fields.get(condition.field_expr.split(".")[0])
                if not field:
                    continue
                names.add(field.name)
                # e.g. a condition on the age follows the birthdate
                names.update(
                    path.split(".")[0]
                    for path in self.env.registry.field_depends[field]
                )
        return frozenset(names)

    @api.model
    def _cron_recompute_segments(self):
        """Daily: reassign clients to segments, then snapshot the target shares.

        A user saving one of the clients meanwhile makes the recompute fail
        with a serialization error: it is retried, as Odoo retries requests.
        """
        retrying(self._recompute_segments, self.env)
        self.env["customer.portfolio.snapshot"]._take_snapshot()

    @api.model
    def _recompute_segments(self, partners=None):
        """Set the segment and target flag of clients (all of them by default).

        Segments are matched in order: one INSERT per segment puts its matching
        clients not placed yet in a temporary table, then one UPDATE locks, in
        id order, and writes the rows whose segment or target flag changes (a
        hash join, whatever the number of clients), including the clients no
        segment matches any more.

        :return: the number of clients whose segment or target flag changed
        """
        if partners is not None and not partners:
            return 0
        Partner = self.env["res.partner"].sudo().with_context(active_test=False)
        restrict = Domain("id", "in", partners.ids) if partners is not None else None
        self.env.flush_all()
        self.env.execute_query(
            SQL(
                """
                CREATE TEMPORARY TABLE customer_segment_match (
                    partner_id integer PRIMARY KEY,
                    segment_id integer NOT NULL,
                    is_target boolean NOT NULL
                ) ON COMMIT DROP
                """
            )
        )
        for segment, segment_domain in self._get_valid_domains():
            domain = Domain("portfolio_id.company_id", "=", segment.company_id.id)
            domain &= segment_domain
            if restrict is not None:
                domain &= restrict
            self.env.execute_query(
                SQL(
                    """
                    INSERT INTO customer_segment_match
                    SELECT clients.id, %(segment)s, %(target)s
                      FROM (%(clients)s) AS clients
                        ON CONFLICT DO NOTHING
                    """,
                    clients=Partner._search(domain).select(),
                    segment=segment.id,
                    target=segment.is_target,
                )
            )
        self.env.execute_query(SQL("ANALYZE customer_segment_match"))
        # the clients whose segment or target flag changes, locked in id order:
        # two recomputes of the same clients queue up instead of deadlocking
        rows = self.env.execute_query(
            SQL(
                """
                WITH changes AS (
                    SELECT p.id, m.segment_id, COALESCE(m.is_target, FALSE) AS target
                      FROM res_partner p
                      LEFT JOIN customer_segment_match m ON m.partner_id = p.id
                     WHERE %(restrict)s
                       AND (p.segment_id IS DISTINCT FROM m.segment_id
                            OR p.is_target_client
                               IS DISTINCT FROM COALESCE(m.is_target, FALSE))
                ),
                locked AS (
                    SELECT p.id FROM res_partner p
                     WHERE p.id IN (SELECT id FROM changes)
                     ORDER BY p.id
                       FOR NO KEY UPDATE
                )
                UPDATE res_partner p
                   SET segment_id = changes.segment_id,
                       is_target_client = changes.target,
                       write_uid = %(uid)s,
                       write_date = %(now)s
                  FROM changes
                 WHERE p.id = changes.id AND p.id IN (SELECT id FROM locked)
             RETURNING p.id
                """,
                restrict=SQL("p.id = ANY(%s)", partners.ids)
                if partners is not None
                else SQL("TRUE"),
                uid=self.env.uid,
                now=self.env.cr.now(),
            )
        )
        Partner.invalidate_model(["write_uid", "write_date"])
        changed_ids = [partner_id for (partner_id,) in rows]
        self.env.execute_query(SQL("DROP TABLE customer_segment_match"))
        self._notify_segment_change(Partner.browse(changed_ids))
        _logger.info("Segments recomputed: %s client(s) changed", len(changed_ids))
        return len(changed_ids)

    @api.model
    def _notify_segment_change(self, partners):
        """Refresh the cache and what depends on the segment after SQL updates.

        Tracing every changed client is only needed by stored computed fields;
        the non-stored ones (e.g. the portfolio KPIs) are just invalidated.
        """
        names = ["segment_id", "is_target_client"]
        partners.invalidate_model(names)
        dependents = {
            dependent
            for name in names
            for dependent in self.env.registry.get_dependent_fields(
                partners._fields[name]
            )
        }
        if any(dependent.store for dependent in dependents):
            partners.modified(names)
        for dependent in dependents:
            self.env[dependent.model_name].invalidate_model([dependent.name])
