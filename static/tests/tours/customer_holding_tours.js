import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("customer_portfolio_holding_tour", {
    url: "/odoo/portfolio-holdings",
    steps: () => [
        {
            content: "the holding due for renewal is in the agent's list",
            trigger:
                ".o_data_row:contains('Hana Holder') td.o_data_cell[name=product_line_id]:contains('Home cover')",
            run: "click",
        },
        {
            content: "renew it",
            trigger: ".o_form_view button[name=action_renew]",
            run: "click",
        },
        {
            content: "the renewal is told in the chatter",
            trigger: ".o-mail-Message:contains('Renewed for 12 months')",
        },
    ],
});
