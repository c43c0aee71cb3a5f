"""Block Kit for revealed loyalty and drivers: /engagement outcomes, /engagement drivers, the
App Home line, and the engagement map's stated-beside-revealed figures."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.core.ids import USER_ID
from bot.core.text import escape_mrkdwn, fmt_interval, fmt_percent, fmt_score, plural, truncate
from bot.insights.drivers import MIN_ANSWERS, Driver
from bot.insights.metrics import Interval
from bot.insights.revealed import NOT_SURVEYED, PlaceLoyalty, RenewalRate
from bot.reporting.drivers import DriversReport
from bot.reporting.outcomes import Customer, OutcomesReport
from bot.slack.message import ReportMessage

CLASS_NAMES = {
    "promoter": "Promoters (9–10)",
    "passive": "Passives (7–8)",
    "detractor": "Detractors (0–6)",
    NOT_SURVEYED: "Not surveyed (no NPS answer before)",
}
NAMES_SHOWN = 10
LINES_SHOWN = 10
IMPORT_HINT = "`python -m bot outcomes import FILE.csv`"


def money(amount: float, currency: str | None) -> str:
    """`USD 84,000`, or `84,000` when the workspace set no currency."""
    figure = f"{amount:,.0f}"
    return f"{escape_mrkdwn(currency)} {figure}" if currency else figure


def customer_name(customer: Customer) -> str:
    """Their account, escaped; else the person, as a mention when it is a Slack user ID (an
    ephemeral answer notifies nobody), else the ID they were imported under, escaped."""
    if customer.account:
        return escape_mrkdwn(truncate(customer.account, 80))
    if USER_ID.match(customer.user_id):
        return f"<@{customer.user_id}>"
    return escape_mrkdwn(customer.user_id)


def _interval(interval: Interval | None) -> str:
    if interval is None:
        return ""
    return f" (95% interval {fmt_interval(interval.low, interval.high, percent=True)})"


def rate_text(rate: RenewalRate) -> str:
    """`*90%* renewed (95% interval 77% to 96%)`"""
    return f"*{fmt_percent(rate.percent)}* renewed{_interval(rate.ci95)}"


def _names(customers: list[Customer]) -> str:
    shown = ", ".join(customer_name(c) for c in customers[:NAMES_SHOWN])
    more = len(customers) - NAMES_SHOWN
    return shown + (f" and {more} more" if more > 0 else "")


def _disagreements(report: OutcomesReport, *, names: bool) -> str:
    lines = []
    for label, found in (("Promoters who churned", report.promoters_who_churned),
                         ("Detractors who renewed", report.detractors_who_renewed)):
        line = f"{label}: *{len(found)}*"
        if names and found:
            line += f" · {_names(found)}"
        lines.append(line)
    return "\n".join(lines)


def _revenue(report: OutcomesReport, *, names: bool) -> str:
    revenue = report.revenue
    text = (f"*Revenue at risk*: *{money(revenue.amount, report.currency)}* from "
            f"{plural(revenue.customers, 'customer')}: detractors, and customers whose latest "
            "answer fell a class, not renewed since")
    if names and report.at_risk:
        shown = " · ".join(
            f"{customer_name(r.customer)} {money(r.amount, report.currency)} (NPS {r.score})"
            for r in report.at_risk[:NAMES_SHOWN])
        more = len(report.at_risk) - NAMES_SHOWN
        text += "\n" + shown + (f" and {more} more" if more > 0 else "")
    return text


def outcomes_message(report: OutcomesReport, *, names: bool) -> ReportMessage:
    """`names`: staff asking privately; a post in a channel counts and names nobody."""
    period = report.period.label
    blocks: list[Block] = [HeaderBlock(text=truncate(f"Revealed loyalty · {period}", 150))]
    if not report.events and not report.revenue.customers:
        text = ("No renewals or churn recorded in this period. Import them from billing or "
                f"your CRM with {IMPORT_HINT}.")
        blocks.append(SectionBlock(text=MarkdownTextObject(text=text)))
        return ReportMessage(text=f"Revealed loyalty, {period}: nothing recorded",
                             blocks=blocks)
    lines = []
    for name, row in report.by_class.items():
        if row.rate.decided:
            lines.append(f"*{CLASS_NAMES[name]}*: {rate_text(row.rate)} · "
                         f"{row.rate.renewed} renewed, {row.rate.churned} churned · "
                         f"{plural(row.customers, 'customer')}")
        else:
            lines.append(f"*{CLASS_NAMES[name]}*: no renewals or churn")
    blocks += [
        SectionBlock(text=MarkdownTextObject(
            text="*Renewals by what customers said before*\n" + "\n".join(lines))),
        SectionBlock(text=MarkdownTextObject(
            text=truncate(_disagreements(report, names=names), 2900))),
        SectionBlock(text=MarkdownTextObject(text=truncate(_revenue(report, names=names), 2900))),
    ]
    note = ("Each renewal or churn counts under the customer's latest NPS answer before its "
            "day; the rate's interval is Wilson's. Anonymous answers are never linked to a "
            f"customer. Events come from {IMPORT_HINT}.")
    if not names:
        note += " Names are shown only in a private answer."
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=note)]))
    promoters = report.by_class["promoter"].rate
    return ReportMessage(
        text=f"Revealed loyalty, {period}: promoters renewed {fmt_percent(promoters.percent)}, "
             f"{plural(len(report.promoters_who_churned), 'promoter')} churned",
        blocks=blocks,
    )


def outcomes_line(report: OutcomesReport) -> str:
    """One line for App Home: renewal rates by class, the gap, and revenue at risk."""
    if not report.events and not report.revenue.customers:
        return f"*Revealed loyalty*: no renewals or churn imported yet ({IMPORT_HINT})"
    rates = " · ".join(
        f"{name}s {fmt_percent(row.rate.percent)}" + (
            f" ({fmt_interval(row.rate.ci95.low, row.rate.ci95.high, percent=True)})"
            if row.rate.ci95 is not None else "")
        for name, row in report.by_class.items() if name != NOT_SURVEYED and row.rate.decided)
    return (f"*Revealed loyalty* ({report.period.label}): renewal rate of {rates or '–'} · "
            f"{plural(len(report.promoters_who_churned), 'promoter')} churned · revenue at risk "
            f"{money(report.revenue.amount, report.currency)}")


def _driver_line(d: Driver) -> str:
    name = f"`{escape_mrkdwn(d.name)}`" if d.kind == "theme" else escape_mrkdwn(
        d.name.replace("=", " = ", 1))
    change = d.change
    interval = ("" if change.ci95 is None else
                f" (95% interval {fmt_interval(change.ci95.low, change.ci95.high, signed=True)}"
                f", {'beyond' if change.significant else 'within'} the margin)")
    return (f"• {name} · {plural(d.answers, 'answer')} · NPS {fmt_score(d.nps_with.score)} "
            f"with, {fmt_score(d.nps_without.score)} without · difference "
            f"*{fmt_score(change.difference)}*{interval} · impact "
            f"*{fmt_score(d.impact, digits=1)}*")


def _driver_section(title: str, drivers: list[Driver], empty: str) -> SectionBlock:
    lines = [_driver_line(d) for d in drivers[:LINES_SHOWN]] or [empty]
    return SectionBlock(text=MarkdownTextObject(text=truncate(f"*{title}*\n" + "\n".join(lines),
                                                              2900)))


def drivers_message(report: DriversReport) -> ReportMessage:
    period = report.period.label
    blocks: list[Block] = [
        HeaderBlock(text=truncate(f"Drivers · {period}", 150)),
        SectionBlock(text=MarkdownTextObject(text=(
            "*Association, not cause*: these are the themes and segments whose answers score "
            "differently from the rest. They do not show why: detractors may simply find more "
            "to say about a theme."))),
        _driver_section("Themes", report.themes,
                        f"No theme is mentioned in {MIN_ANSWERS} or more answers yet."),
        _driver_section("Segments", report.segments,
                        "No segment has enough customers on both sides to compare yet."),
    ]
    hidden = (f" {plural(report.hidden_groups, 'group')} of fewer than {report.minimum} "
              "customers hidden." if report.hidden_groups else "")
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=(
        f"Impact = share of answers × difference: the points of the overall NPS "
        f"({fmt_score(report.nps.score)}, {plural(report.nps.n, 'answer')}) that go with it. "
        f"Themes need {MIN_ANSWERS} answers.{hidden}"))]))
    top = report.all[0] if report.all else None
    text = (f"Drivers, {period}: {top.name} ({fmt_score(top.impact, digits=1)} points)"
            if top else f"Drivers, {period}: none yet")
    return ReportMessage(text=escape_mrkdwn(text), blocks=blocks)


def place_text(loyalty: PlaceLoyalty) -> str:
    """`stated NPS +72 (+58 to +83) · revealed: *95%* renewed (95% interval 87% to 98%) of 40
    customers`"""
    if loyalty.stated is None:
        return "stated and revealed loyalty hidden: too few customers"
    ci = loyalty.stated.ci95
    stated = f"stated NPS {fmt_score(loyalty.stated.score)}" + (
        f" ({fmt_interval(ci.low, ci.high, signed=True)})" if ci is not None else "")
    if loyalty.revealed is None:
        return f"{stated} · revealed: too few renewals or churn to show"
    return (f"{stated} · revealed: {rate_text(loyalty.revealed)} of "
            f"{plural(loyalty.revealed.decided, 'customer')}")


def place_brief(loyalty: PlaceLoyalty) -> str | None:
    """`95% renewed`, or None when hidden."""
    if loyalty.revealed is None:
        return None
    return f"{fmt_percent(loyalty.revealed.percent)} renewed"
