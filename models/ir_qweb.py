from lxml import etree

from odoo import models

QWEB_CACHE_KEY = "customer_portfolio_qweb_cache"


class IrQweb(models.AbstractModel):
    _inherit = "ir.qweb"

    def _compile(self, template):
        """Compile a template given as an element once per batch of renderings.

        Mail templates are rendered from their source, i.e. an element, which
        the core compiles again for every record (about 50 ms per email). A
        batch sender passes a dict in the context under ``QWEB_CACHE_KEY``:
        the compiled template is kept there, per source and compile options.
        """
        cache = self.env.context.get(QWEB_CACHE_KEY)
        if cache is None or not isinstance(template, etree._Element):
            return super()._compile(template)
        key = (
            etree.tostring(template),
            tuple(self.env.context.get(k) for k in self._get_template_cache_keys()),
        )
        if key not in cache:
            cache[key] = super()._compile(template)
        return cache[key]
