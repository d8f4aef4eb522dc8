import { Component, onWillStart, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { Layout } from "@web/search/layout";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

/**
 * The agent's day: one call to customer.portfolio.today.get_dashboard() gives
 * the sections (birthdays, calls due, offers expiring...), each line one click
 * from calling, mailing, marking done or opening the client.
 */
export class PortfolioToday extends Component {
    static template = "customer_portfolio.Today";
    static components = { Layout };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.notification = useService("notification");
        this.state = useState({ data: null, agentId: null, team: false });
        onWillStart(() => this.load());
    }

    async load() {
        this.state.data = await this.orm.call("customer.portfolio.today", "get_dashboard", [], {
            agent_id: this.state.agentId,
            team: this.state.team,
        });
    }

    get selectedAgent() {
        return this.state.data.team ? false : this.state.data.agent_id;
    }

    async onAgentChange(ev) {
        const value = ev.target.value;
        this.state.team = value === "team";
        this.state.agentId = value === "team" ? null : parseInt(value);
        await this.load();
    }

    async markDone(line) {
        await this.orm.call("mail.activity", "action_feedback", [[line.activity_id]]);
        this.notification.add(_t("Marked as done: %s", line.name), { type: "success" });
        await this.load();
    }

    scrollTo(sectionName) {
        document
            .querySelector(`.o_portfolio_today_section[data-section=${sectionName}]`)
            ?.scrollIntoView({ behavior: "smooth", block: "start" });
    }

    openRecord(resModel, resId) {
        return this.action.doAction({
            type: "ir.actions.act_window",
            res_model: resModel,
            res_id: resId,
            views: [[false, "form"]],
        });
    }
}

registry.category("actions").add("customer_portfolio.today", PortfolioToday);
