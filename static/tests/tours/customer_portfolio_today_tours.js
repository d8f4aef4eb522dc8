import { registry } from "@web/core/registry";

const tours = registry.category("web_tour.tours");
const section = (name) => `.o_portfolio_today_section[data-section=${name}]`;
const line = (name, client) =>
    `${section(name)} .o_portfolio_today_line:has(.o_portfolio_today_open:contains('${client}'))`;

/** Today: who has a birthday, whose income fell, who is in a risk area, what
 * to call; a call is marked done and a client opened from the page. */
tours.add("customer_portfolio_today_tour", {
    url: "/odoo/portfolio-today",
    steps: () => [
        {
            content: "the birthday of the week, with a call and an email link",
            trigger: `${line("birthdays", "Bea Birthday")} a[href='tel:+33 6 12 34 56 78']`,
        },
        {
            content: "and an email link",
            trigger: `${line("birthdays", "Bea Birthday")} a[href='mailto:bea@example.com']`,
        },
        {
            content: "the client whose income fell",
            trigger: line("income_falling", "Ivan Income"),
        },
        {
            content: "the client in a new risk area",
            trigger: line("new_risks", "Rosa Risk"),
        },
        {
            content: "the counts at the top",
            trigger: ".o_portfolio_today_count[data-section=calls] .badge:contains(1)",
        },
        {
            content: "mark the call done",
            trigger: `${line("calls", "Carl Call")} .o_portfolio_today_done`,
            run: "click",
        },
        {
            content: "the call is gone",
            trigger: `${section("calls")}:not(:has(.o_portfolio_today_line))`,
        },
        {
            content: "open the client",
            trigger: `${line("birthdays", "Bea Birthday")} .o_portfolio_today_open`,
            run: "click",
        },
        {
            content: "the client's form shows the register at a glance",
            trigger: ".o_form_view div[name=portfolio_glance] .fa-birthday-cake",
        },
        {
            content: "with the register's tab open",
            trigger: ".o_notebook .nav-link.active[name=portfolio]",
        },
    ],
});

/** Clients: the register in the list (desktop) or the cards (phone). */
tours.add("customer_portfolio_clients_tour", {
    url: "/odoo/portfolio-clients",
    steps: () => [
        {
            content: "the client is listed with the register's facts",
            trigger:
                ".o_data_row:contains('Ivan Income') td[name=income_trend_pct]:contains(-20)," +
                ".o_kanban_record:contains('Ivan Income') .o_portfolio_badges:contains(-20)",
        },
        {
            content: "a client can be called from the cards or opened from the list",
            trigger:
                ".o_kanban_record:contains('Bea Birthday') a[href='tel:+33 6 12 34 56 78']," +
                ".o_data_row:contains('Bea Birthday') td[name=days_to_birthday]",
        },
        {
            content: "open the client",
            trigger: ".o_data_row:contains('Rosa Risk') td.o_data_cell, .o_kanban_record:contains('Rosa Risk')",
            run: "click",
        },
        {
            content: "the risk shows under the name",
            trigger: ".o_form_view div[name=portfolio_glance] .fa-exclamation-triangle",
        },
    ],
});

/** A manager without a book opens on the team's day, then picks an agent. */
tours.add("customer_portfolio_today_manager_tour", {
    url: "/odoo/portfolio-today",
    steps: () => [
        {
            content: "the team's day",
            trigger: line("birthdays", "Bea Birthday"),
        },
        {
            content: "pick the other agent",
            trigger: "select.o_portfolio_today_agent",
            run: "selectByLabel Other Agent",
        },
        {
            content: "the other agent's day has none of the tour agent's clients",
            trigger: `${section("birthdays")}:not(:has(.o_portfolio_today_line))`,
        },
        {
            content: "pick the tour agent",
            trigger: "select.o_portfolio_today_agent",
            run: "selectByLabel Tour Agent",
        },
        {
            content: "the tour agent's day",
            trigger: line("birthdays", "Bea Birthday"),
        },
    ],
});
