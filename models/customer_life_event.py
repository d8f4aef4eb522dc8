from odoo import api, fields, models
from odoo.exceptions import ValidationError

LIFE_EVENT_TYPES = [
    ("marriage", "Marriage"),
    ("divorce", "Divorce"),
    ("birth_of_child", "Birth of a child"),
    ("new_job", "New job"),
    ("job_loss", "Job loss"),
    ("retirement", "Retirement"),
    ("relocation", "Relocation"),
    ("vehicle_purchase", "Vehicle purchase"),
    ("home_purchase", "Home purchase"),
    ("other", "Other"),
]


class CustomerLifeEvent(models.Model):
    """A dated event in a client's life or consumption."""

    _name = "customer.life.event"
    _inherit = ["customer.client.record"]
    _description = "Client Life Event"
    _order = "date desc, id desc"
    _rec_name = "event_type"

    partner_id = fields.Many2one(
        "res.partner",
        string="Client",
        required=True,
        index=True,
        ondelete="cascade",
    )
    date = fields.Date(default=fields.Date.context_today)
    event_type = fields.Selection(LIFE_EVENT_TYPES, required=True)
    note = fields.Char()
    company_id = fields.Many2one(
        related="partner_id.portfolio_id.company_id", store=True, index=True
    )

    _partner_date_idx = models.Index("(partner_id, date DESC, id DESC)")

    @api.constrains("date")
    def _check_date(self):
        today = fields.Date.context_today(self)
        for event in self:
            if not event.date:
                raise ValidationError(
                    self.env._(
                        "The life event of %(client)s needs a date.",
                        client=event.partner_id.display_name,
                    )
                )
            if event.date > today:
                raise ValidationError(
                    self.env._(
                        "The life event of %(client)s is dated %(date)s, "
                        "which is in the future.",
                        client=event.partner_id.display_name,
                        date=event.date,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        events = super().create(vals_list)
        events.partner_id._on_life_events_created(events)
        self.env["customer.offer"]._generate_life_event_offers(events)
        return events
