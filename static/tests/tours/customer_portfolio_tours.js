import { registry } from "@web/core/registry";

const tours = registry.category("web_tour.tours");

/** Steps that save the form; saving can start offers and emails, so allow time. */
function saveForm() {
    return [
        {
            content: "save the form",
            trigger: ".o_form_button_save:enabled",
            run: "click",
        },
        {
            content: "wait for the save to complete",
            trigger: ".o_form_saved",
            timeout: 30000,
        },
    ];
}

/** Steps that pick an option in a selection field (a SelectMenu in Odoo 19). */
function pick(fieldSelector, label) {
    return [
        {
            content: `open ${fieldSelector}`,
            trigger: `${fieldSelector} .o_select_menu_toggler`,
            run: "click",
        },
        {
            content: `pick ${label}`,
            trigger: `.o_select_menu_menu .o_select_menu_item:contains('${label}')`,
            run: "click",
        },
        {
            content: `${label} is picked`,
            trigger: `${fieldSelector} .o_select_menu_toggler:value(${label})`,
        },
    ];
}

/** Steps that add a line to an editable x2many list and fill its cells. */
function addLine(field, cells) {
    const row = `.o_field_widget[name=${field}] .o_data_row.o_selected_row`;
    return [
        {
            content: `add a line to ${field}`,
            trigger: `.o_field_widget[name=${field}] .o_field_x2many_list_row_add a`,
            run: "click",
        },
        ...cells.flatMap(([name, run]) =>
            run.startsWith("pick ")
                ? pick(`${row} .o_field_widget[name=${name}]`, run.slice(5))
                : [{ content: `fill ${name}`, trigger: `${row} .o_field_widget[name=${name}] input`, run }]
        ),
    ];
}

tours.add("customer_portfolio_agent_tour", {
    url: "/odoo/portfolios",
    steps: () => [
        {
            content: "the agent sees their portfolio",
            trigger: ".o_kanban_record:contains('Tour Book')",
        },
        {
            content: "open the clients of the portfolio",
            trigger: ".o_kanban_record:contains('Tour Book') a[name=action_open_clients]",
            run: "click",
        },
        {
            content: "add a client",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=name] input",
            run: "edit Mia Tour",
        },
        {
            content: "open the Portfolio tab",
            trigger: ".o_notebook .nav-link:contains('Portfolio')",
            run: "click",
        },
        {
            content: "the client is in the agent's portfolio",
            trigger: ".o_field_widget[name=portfolio_id] input:value(Tour Book)",
        },
        {
            trigger: ".o_field_widget[name=birthdate] input",
            run: "edit 03/15/1996",
        },
        ...addLine("income_record_ids", [
            ["date", "edit 01/01/2025"],
            ["amount", "edit 3000"],
        ]),
        ...addLine("income_record_ids", [
            ["date", "edit 01/01/2026"],
            ["amount", "edit 3600"],
        ]),
        ...saveForm(),
        {
            content: "two income records, the trend is increasing",
            trigger: ".o_field_widget[name=income_trend]:contains('Increasing')",
        },
        {
            content: "a single adult is a young single",
            trigger: ".o_field_widget[name=lifecycle_stage]:contains('Young single')",
        },
        ...addLine("life_event_ids", [
            ["date", "edit 06/20/2026"],
            ["event_type", "pick Marriage"],
        ]),
        ...saveForm(),
        {
            content: "and moves them to the couple stage",
            trigger: ".o_field_widget[name=lifecycle_stage]:contains('Couple')",
        },
    ],
});

tours.add("customer_portfolio_risk_tour", {
    url: "/odoo/risk-areas",
    steps: () => [
        {
            content: "create a risk area",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=name] input",
            run: "edit Flood in Tourville",
        },
        ...pick(".o_field_widget[name=risk_type]", "Flood"),
        {
            trigger: ".o_field_widget[name=city] input",
            run: "edit Tourville",
        },
        ...saveForm(),
        {
            content: "the area covers the client living there",
            trigger: "button[name=action_open_partners]:contains('1')",
            run: "click",
        },
        {
            content: "the affected client is listed",
            trigger: ".o_list_view .o_data_row:contains('Rita Riverside')",
        },
        {
            trigger: ".o_list_view:not(:has(.o_data_row:contains('Dora Dryland')))",
        },
    ],
});

tours.add("customer_portfolio_offer_tour", {
    url: "/odoo/portfolio-offers",
    steps: () => [
        {
            content: "the generated offer waits in the kanban",
            trigger: ".o_kanban_record:contains('Olga Offer') button[name=action_accept]",
            run: "click",
        },
        {
            content: "the offer is now accepted",
            trigger:
                ".o_kanban_group:has(.o_column_title:contains('Accepted')) .o_kanban_record:contains('Olga Offer')",
        },
    ],
});

tours.add("customer_portfolio_dashboard_tour", {
    url: "/odoo/portfolios",
    steps: () => [
        {
            content: "the portfolio below its band is flagged on the dashboard",
            trigger: ".o_kanban_record:contains('Tour Book'):contains('Below the target band')",
        },
        {
            trigger: ".o_kanban_record:contains('Tour Book') span.fw-bold:contains('Tour Book')",
            run: "click",
        },
        {
            content: "the form warns to focus on target clients",
            trigger: ".o_form_view .alert-warning:contains('focus the effort on target clients')",
        },
        {
            content: "open the target share history",
            trigger: "button[name=action_open_snapshots]",
            run: "click",
        },
        {
            trigger: ".o_graph_view .o_graph_renderer",
        },
        {
            content: "open the clients by segment",
            trigger: "button[data-menu-xmlid='customer_portfolio.customer_portfolio_menu_reporting']",
            run: "click",
        },
        {
            trigger: ".dropdown-item[data-menu-xmlid='customer_portfolio.customer_portfolio_report_menu']",
            run: "click",
        },
        {
            content: "agents against segments",
            trigger: ".o_pivot_view .o_pivot:contains('Tour Agent')",
        },
        {
            trigger: "button[data-menu-xmlid='customer_portfolio.customer_portfolio_menu_reporting']",
            run: "click",
        },
        {
            trigger:
                ".dropdown-item[data-menu-xmlid='customer_portfolio.customer_offer_target_report_menu']",
            run: "click",
        },
        {
            trigger: ".o_action_manager .o_view_controller:not(.o_loading)",
        },
    ],
});

tours.add("customer_portfolio_mobile_tour", {
    url: "/odoo/portfolio-clients",
    steps: () => [
        {
            content: "open a client on a phone",
            trigger: ".o_kanban_record:contains('Mona Mobile')",
            run: "click",
        },
        {
            trigger: ".o_notebook .nav-link:contains('Portfolio')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=lifecycle_stage]:contains('Young single')",
        },
        {
            content: "record two children",
            trigger: ".o_field_widget[name=children_count] input",
            run: "edit 2",
        },
        ...saveForm(),
        {
            content: "the client is now a young family",
            trigger: ".o_field_widget[name=lifecycle_stage]:contains('Young family')",
        },
        {
            content: "go to the offers",
            trigger: "body",
            run: "goToUrl /odoo/portfolio-offers",
            expectUnloadPage: true,
        },
        {
            content: "accept the offer from the kanban",
            trigger: ".o_kanban_record:contains('Mona Mobile') button[name=action_accept]",
            run: "click",
        },
        {
            trigger: ".o_kanban_record:contains('Mona Mobile'):not(:has(button[name=action_accept]))",
        },
    ],
});

/** Resolve when `selector` matches, fail after `timeout` ms. */
async function waitFor(selector, timeout = 30000) {
    for (let waited = 0; waited < timeout; waited += 50) {
        const element = document.querySelector(selector);
        if (element) {
            return element;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`Not found after ${timeout} ms: ${selector}`);
}

/** Click `element`, then wait for a new view, in the page or in a dialog. */
async function clickAndWaitForView(element) {
    for (const view of document.querySelectorAll(".o_action_manager > *")) {
        view.dataset.walked = "1";
    }
    element.click();
    await waitFor(".o_action_manager > :not([data-walked]), .modal .o_view_controller");
}

/** Open a menu from the navbar, then each view of its action. */
async function walkMenu(item, parent, app) {
    let link;
    if (parent !== app) {
        (await waitFor(`.o_menu_sections [data-menu-xmlid='${parent.xmlid}']`)).click();
        link = await waitFor(`.dropdown-item[data-menu-xmlid='${item.xmlid}']`);
    } else {
        link = await waitFor(`.o_menu_sections [data-menu-xmlid='${item.xmlid}']`);
    }
    await clickAndWaitForView(link);
    const dialog = document.querySelector(".modal .o_view_controller");
    if (dialog) {
        dialog.closest(".modal").querySelector(".btn-close").click();
        console.log(`Opened ${item.xmlid} in a dialog`);
        return;
    }
    const types = [...document.querySelectorAll(".o_control_panel .o_switch_view")].map(
        (button) => [...button.classList].find((c) => c.startsWith("o_") && c !== "o_switch_view")
    );
    for (const type of types) {
        const button = document.querySelector(`.o_control_panel .o_switch_view.${type}`);
        if (!button.classList.contains("active")) {
            await clickAndWaitForView(button);
        }
    }
    console.log(`Opened ${item.xmlid} in ${types.length || 1} views`);
}

tours.add("customer_portfolio_menus_tour", {
    url: "/odoo/portfolio-clients",
    steps: () => {
        const { menu } = odoo.__WOWL_DEBUG__.root.env.services;
        const app = menu
            .getApps()
            .find((m) => m.xmlid === "customer_portfolio.customer_portfolio_menu_root");
        // [menu, its parent] for each menu of the app that opens an action
        const leaves = (item, parent) =>
            item.children.length
                ? item.children.flatMap((id) => leaves(menu.getMenu(id), item))
                : [[item, parent]];
        const menus = leaves(app).filter(([item]) => item.actionID);
        if (menus.length < 10) {
            throw new Error(`Only ${menus.length} menus found in the Portfolio app`);
        }
        return menus.map(([item, parent]) => ({
                content: `open ${item.xmlid} and each of its views`,
                trigger: ".o_main_navbar .o_menu_sections",
                timeout: 60000,
                run: () => walkMenu(item, parent, app),
            }));
    },
});

tours.add("customer_portfolio_consent_tour", {
    steps: () => [
        {
            content: "open the Portfolio tab",
            trigger: ".o_notebook .nav-link:contains('Portfolio')",
            run: "click",
        },
        {
            content: "consent is unknown and offers go by email at first",
            trigger: ".o_field_widget[name=offer_consent] .o_select_menu_toggler:value(Unknown)",
        },
        ...pick(".o_field_widget[name=offer_channel]", "Phone"),
        ...pick(".o_field_widget[name=offer_consent]", "Granted"),
        {
            content: "say how the consent was given",
            trigger: ".o_field_widget[name=offer_consent_source] input",
            run: "edit Signed form",
        },
        ...saveForm(),
    ],
});
