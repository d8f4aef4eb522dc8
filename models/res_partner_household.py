from datetime import date as dt_date
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain

from ..tools.yearly_dates import month_day_domain
from .res_partner import PORTFOLIO_GROUP

RETIREMENT_AGE = 65
MATURE_FAMILY_AGE = 40
EMPTY_NEST_AGE = 55
MARITAL_STATUSES = [
    ("single", "Single"),
    ("married", "Married"),
    ("partnership", "Civil partnership"),
    ("divorced", "Divorced"),
    ("widowed", "Widowed"),
]
MARITAL_STATUS_BY_EVENT = {"marriage": "married", "divorce": "divorced"}
PARTNERED_STATUSES = ("married", "partnership")
LIFECYCLE_STAGES = [
    ("young_single", "Young single"),
    ("couple", "Couple"),
    ("young_family", "Young family"),
    ("mature_family", "Mature family"),
    ("empty_nest", "Empty nest"),
    ("retired", "Retired"),
]


def _recorded_seq(event):
    """Order in which an event was recorded (unsaved events come last)."""
    return event._origin.id or float("inf")


def _mark_stage_manual(vals):
    """Writing a stage explicitly overrides the derived one."""
    if "lifecycle_stage" in vals and "lifecycle_stage_manual" not in vals:
        return {**vals, "lifecycle_stage_manual": True}
    return vals


class ResPartner(models.Model):
    """The client's household and family life-cycle stage, derived from their
    life events, and the life events themselves."""

    _inherit = "res.partner"

    marital_status = fields.Selection(
        MARITAL_STATUSES,
        compute="_compute_household",
        inverse="_inverse_marital_status",
        store=True,
        readonly=False,
        tracking=True,
        groups=PORTFOLIO_GROUP,
        help="Follows the client's latest marriage or divorce event, unless it was "
        "set by hand after that event was recorded.",
    )
    marital_status_manual = fields.Selection(
        MARITAL_STATUSES,
        string="Marital Status Set by Hand",
        groups=PORTFOLIO_GROUP,
    )
    marital_status_manual_seq = fields.Integer(
        string="Life Events Seen at Hand Edit",
        groups=PORTFOLIO_GROUP,
        help="The highest life event id when the marital status was last set by "
        "hand: events recorded after it take precedence again.",
    )
    children_count = fields.Integer(
        string="Children",
        compute="_compute_household",
        inverse="_inverse_children_count",
        store=True,
        readonly=False,
        tracking=True,
        groups=PORTFOLIO_GROUP,
        help="The children entered by hand plus one per birth on the timeline.",
    )
    children_count_manual = fields.Integer(
        string="Children Entered by Hand", groups=PORTFOLIO_GROUP
    )
    is_retired = fields.Boolean(
        string="Retired",
        compute="_compute_household",
        inverse="_inverse_is_retired",
        store=True,
        readonly=False,
        tracking=True,
        groups=PORTFOLIO_GROUP,
        help="Ticked by hand or by a retirement event on the timeline.",
    )
    is_retired_manual = fields.Boolean(
        string="Retired Set by Hand", groups=PORTFOLIO_GROUP
    )
    lifecycle_stage = fields.Selection(
        LIFECYCLE_STAGES,
        string="Life-cycle Stage",
        compute="_compute_lifecycle_stage",
        store=True,
        readonly=False,
        index="btree_not_null",
        tracking=True,
        groups=PORTFOLIO_GROUP,
        help="Derived from marital status, children, age and retirement, unless "
        "set by hand.",
    )
    lifecycle_stage_manual = fields.Boolean(
        string="Stage Set by Hand",
        groups=PORTFOLIO_GROUP,
        help="Keep the life-cycle stage as set by hand; untick to follow the "
        "derived stage again.",
    )
    lifecycle_stage_derived = fields.Selection(
        LIFECYCLE_STAGES,
        string="Derived Stage",
        compute="_compute_lifecycle_stage_derived",
        groups=PORTFOLIO_GROUP,
        help="The stage the family life-cycle rules give for this client.",
    )
    life_event_ids = fields.One2many(
        "customer.life.event",
        "partner_id",
        string="Life Events",
        groups=PORTFOLIO_GROUP,
    )

    @api.depends(
        "marital_status_manual",
        "marital_status_manual_seq",
        "children_count_manual",
        "is_retired_manual",
        "life_event_ids.event_type",
        "life_event_ids.date",
    )
    def _compute_household(self):
        """Household = what was entered by hand + what the timeline implies.

        Deriving it (instead of applying each event once) means an event can
        never count twice, and editing or deleting one reverts its effect.
        """
        for partner in self:
            events = partner.life_event_ids
            births = events.filtered(lambda e: e.event_type == "birth_of_child")
            partner.children_count = partner.children_count_manual + len(births)
            partner.is_retired = partner.is_retired_manual or any(
                e.event_type == "retirement" for e in events
            )
            partner.marital_status = partner._marital_status_from_events(events)

    def _marital_status_from_events(self, events):
        """The status of the latest marriage or divorce (by date), if it was
        recorded after the status was last set by hand; else the hand value."""
        self.ensure_one()
        marital = events.filtered(lambda e: e.event_type in MARITAL_STATUS_BY_EVENT)
        latest = max(
            marital,
            key=lambda e: (e.date or dt_date.max, _recorded_seq(e)),
            default=None,
        )
        if latest and _recorded_seq(latest) > self.marital_status_manual_seq:
            return MARITAL_STATUS_BY_EVENT[latest.event_type]
        return self.marital_status_manual

    def _inverse_marital_status(self):
        for partner in self:
            events = partner.life_event_ids
            if partner.marital_status == partner._marital_status_from_events(events):
                continue  # what the timeline says already: no hand edit
            partner.marital_status_manual = partner.marital_status
            partner.marital_status_manual_seq = max(
                partner.life_event_ids._origin.ids, default=0
            )

    def _inverse_children_count(self):
        for partner in self:
            births = partner.life_event_ids.filtered(
                lambda e: e.event_type == "birth_of_child"
            )
            partner.children_count_manual = partner.children_count - len(births)

    def _inverse_is_retired(self):
        for partner in self:
            if "retirement" not in partner.life_event_ids.mapped("event_type"):
                partner.is_retired_manual = partner.is_retired
            elif not partner.is_retired:
                raise UserError(
                    self.env._(
                        "%(client)s has a retirement event on their timeline: "
                        "delete that event to mark them as not retired.",
                        client=partner.display_name,
                    )
                )

    @api.depends("birthdate", "marital_status", "children_count", "is_retired")
    def _compute_lifecycle_stage_derived(self):
        today = fields.Date.context_today(self)
        for partner in self:
            partner.lifecycle_stage_derived = partner._derive_lifecycle_stage(today)

    def _derive_lifecycle_stage(self, today):
        """Family life-cycle stage from household and age (rules in readme/USAGE.md)."""
        self.ensure_one()
        age = relativedelta(today, self.birthdate).years if self.birthdate else None
        if self.is_retired or (age is not None and age >= RETIREMENT_AGE):
            return "retired"
        if age is not None and age >= EMPTY_NEST_AGE:
            return "empty_nest"
        if self.children_count > 0:
            if age is not None and age >= MATURE_FAMILY_AGE:
                return "mature_family"
            return "young_family"
        if self.marital_status in PARTNERED_STATUSES:
            return "couple"
        if self.marital_status or age is not None:
            return "young_single"
        return False

    @api.depends("lifecycle_stage_derived", "lifecycle_stage_manual")
    def _compute_lifecycle_stage(self):
        for partner in self.filtered(lambda p: not p.lifecycle_stage_manual):
            partner.lifecycle_stage = partner.lifecycle_stage_derived

    @api.constrains("children_count", "children_count_manual")
    def _check_children_count(self):
        for partner in self:
            if partner.children_count < 0:
                raise ValidationError(
                    self.env._(
                        "The number of children of %(client)s cannot be negative.",
                        client=partner.display_name,
                    )
                )
            if partner.children_count_manual < 0:
                raise ValidationError(
                    self.env._(
                        "%(client)s has %(births)s births on their timeline: the "
                        "number of children cannot be lower; delete a birth event "
                        "instead.",
                        client=partner.display_name,
                        births=partner.children_count - partner.children_count_manual,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        return super().create([_mark_stage_manual(vals) for vals in vals_list])

    def write(self, vals):
        return super().write(_mark_stage_manual(vals))

    def record_life_event(self, event_type, date=None, note=None):
        """Record a life or consumption event on the timeline of each partner.

        The public entry point for other modules, e.g. a car dealer module
        calling ``partners.record_life_event("vehicle_purchase")``. ``date``
        defaults to today. A partner that already has an event of this type on
        this date gets no second one. Returns the new ``customer.life.event``
        records (their household effects and the reactions of
        ``_on_life_events_created`` are applied).
        """
        date = date or fields.Date.context_today(self)
        Event = self.env["customer.life.event"]
        existing = Event.search(
            [
                ("partner_id", "in", self.ids),
                ("event_type", "=", event_type),
                ("date", "=", date),
            ]
        )
        return Event.create(
            [
                {
                    "partner_id": partner.id,
                    "event_type": event_type,
                    "date": date,
                    "note": note,
                }
                for partner in self - existing.partner_id
            ]
        )

    def _on_life_events_created(self, events):
        """React to new life events of these partners (``events``).

        The household follows the events by itself (computed fields). Here the
        agent is asked to update the address after a relocation, and told when
        a stage set by hand no longer matches the derived one. Modules reacting
        to life events extend this method and call super() (the module's own
        offers are made by ``customer.life.event.create`` right after it).

        The stage note goes to the agent alone (a user notification): the
        chatter of a contact is open to every internal user, the stage is not.
        """
        events.filtered(
            lambda e: e.event_type == "relocation"
        ).partner_id._schedule_portfolio_activity(
            "customer_portfolio.mail_activity_type_address_update"
        )
        stages = dict(self._fields["lifecycle_stage"]._description_selection(self.env))
        for partner in self.filtered(
            lambda p: (
                p.portfolio_agent_id
                and p.lifecycle_stage_manual
                and p.lifecycle_stage != p.lifecycle_stage_derived
            )
        ):
            partner.message_notify(
                body=self.env._(
                    "The recorded life events suggest the stage %(derived)s; it "
                    "stays %(stage)s because it was set by hand.",
                    derived=stages.get(partner.lifecycle_stage_derived, "-"),
                    stage=stages.get(partner.lifecycle_stage, "-"),
                ),
                partner_ids=partner.portfolio_agent_id.partner_id.ids,
                subtype_xmlid="mail.mt_note",
            )

    @api.model
    def _cron_refresh_lifecycle_stage(self):
        """Recompute the derived stage of clients whose age changed today."""
        today = fields.Date.context_today(self)
        partners = self.search(
            Domain("portfolio_id", "!=", False)
            & Domain("lifecycle_stage_manual", "=", False)
            & month_day_domain(
                "birthday_month", "birthday_day", today - timedelta(days=1), today
            )
        )
        partners.invalidate_recordset(["lifecycle_stage_derived"])
        self.env.add_to_compute(self._fields["lifecycle_stage"], partners)
        partners.flush_recordset(["lifecycle_stage"])
