"""/engagement through signed slash commands: figures, comments (escaped), help, mistakes."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from bot.core import ids
from bot.sandbox.client import SignedSlackClient, SlackClient
from bot.sandbox.slack_api import SlackSandbox
from tests.conftest import BOTH_TRANSPORTS, CUSTOMERS, STAFF, SendPulse
from tests.integration.helpers import (
    click_all_benchmarks,
    click_score,
    comment,
    customers_score_nine,
    eight_customers_score_nine,
    responses,
)


def _answer_all(sandbox: SlackSandbox, slack: SignedSlackClient, scores: list[int]) -> None:
    for user_id, score in zip(CUSTOMERS, scores, strict=True):
        click_score(sandbox, slack, user_id, score)


@BOTH_TRANSPORTS
def test_overview_shows_nps_with_its_interval_privately(
    send_pulse: SendPulse, sandbox: SlackSandbox, slack: SlackClient
) -> None:
    send_pulse()
    _answer_all(sandbox, slack, [10, 9, 8, 3, 10])  # 3 promoters, 1 passive, 1 detractor

    reply = slack.slash_command(STAFF, "")

    body = reply.json()
    assert reply.status == 200
    assert body["response_type"] == "ephemeral"
    shown = str(body["blocks"])
    assert "*+40*" in shown  # 60% promoters − 20% detractors
    assert "5 answers" in shown
    assert "95% interval" in shown
    assert "Promoters 3 · Passives 1 · Detractors 1" in shown
    assert "NPS +40" in body["text"]


def test_overview_with_no_answers_says_so(slack: SignedSlackClient) -> None:
    body = slack.slash_command(STAFF, "").json()

    assert "No answers yet" in str(body["blocks"])


def test_comments_are_escaped_so_nobody_is_pinged(
    send_pulse: SendPulse, sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine
) -> None:
    send_pulse()
    user_id = CUSTOMERS[0]
    click_score(sandbox, slack, user_id, 2)
    hostile = "Awful. <!channel> <@U0STAFF> <https://evil.example|click> & more"
    comment(sandbox, slack, user_id, hostile)
    assert responses(engine)[0].comment == hostile

    body = slack.slash_command(STAFF, "comments").json()

    shown = str(body["blocks"])
    escaped = "&lt;!channel&gt; &lt;@U0STAFF&gt; &lt;https://evil.example|click&gt; &amp; more"
    assert escaped in shown
    assert "<!channel>" not in shown
    assert "<@U0STAFF>" not in shown
    assert "negative" in shown
    assert "NPS 2" in shown
    assert body["response_type"] == "ephemeral"


def test_comments_about_a_theme_match_any_case_and_name_it(
    send_pulse: SendPulse, sandbox: SlackSandbox, slack: SignedSlackClient
) -> None:
    send_pulse()
    said = {
        CUSTOMERS[0]: (2, "The CSV EXPORT is terrible"),
        CUSTOMERS[1]: (10, "Love the new csv export!"),
        CUSTOMERS[2]: (3, "Support is slow"),
        CUSTOMERS[3]: (4, "Exports are awful on big reports"),
    }
    for user_id, (score, text) in said.items():
        click_score(sandbox, slack, user_id, score)
        comment(sandbox, slack, user_id, text)

    every = str(slack.slash_command(STAFF, "comments csv export").json()["blocks"])
    negative = slack.slash_command(STAFF, "comments negative Export 30d").json()

    assert "What customers said about “csv export” · last 90 days" in every
    assert "The CSV EXPORT is terrible" in every
    assert "Love the new csv export!" in every
    assert "Support is slow" not in every
    assert "Exports are awful" not in every
    shown = str(negative["blocks"])
    assert "Negative comments about “export” · last 30 days" in shown
    assert "The CSV EXPORT is terrible" in shown
    assert "Exports are awful on big reports" in shown  # any case: "Exports" has "export"
    assert "Love the new csv export!" not in shown
    assert "Support is slow" not in shown


def test_a_theme_with_like_wildcards_matches_them_literally(
    send_pulse: SendPulse, sandbox: SlackSandbox, slack: SignedSlackClient
) -> None:
    send_pulse()
    said = {
        CUSTOMERS[0]: "Uptime was 100% this month",
        CUSTOMERS[1]: "Uptime was 1000 hours",  # would match "100%" if % were a wildcard
        CUSTOMERS[2]: "Set the api_key in settings",
        CUSTOMERS[3]: "The apikey page is slow",  # would match "api_key" if _ were a wildcard
    }
    for user_id, text in said.items():
        click_score(sandbox, slack, user_id, 8)
        comment(sandbox, slack, user_id, text)

    percent = str(slack.slash_command(STAFF, "comments 100%").json()["blocks"])
    underscore = str(slack.slash_command(STAFF, "comments API_KEY").json()["blocks"])
    nothing = slack.slash_command(STAFF, "comments dark mode").json()

    assert "Uptime was 100% this month" in percent
    assert "1000 hours" not in percent
    assert "Set the api_key in settings" in underscore
    assert "apikey page" not in underscore
    assert "No comments about “dark mode” in this period." in str(nothing["blocks"])


def test_help_lists_what_can_be_asked(slack: SignedSlackClient) -> None:
    body = slack.slash_command(STAFF, "help").json()

    assert "/engagement comments" in str(body["blocks"])
    assert "[theme]" in str(body["blocks"])


@pytest.mark.parametrize("text", ["npx", "<!channel>", "comments 0d", "x" * 500])
def test_an_unknown_subcommand_gets_one_line_naming_the_mistake(
    slack: SignedSlackClient, text: str
) -> None:
    body = slack.slash_command(STAFF, text).json()

    shown = str(body["blocks"])
    assert body["response_type"] == "ephemeral"
    assert ":warning:" in shown
    assert len(body["blocks"]) == 1
    assert "What you can ask" not in shown
    assert "/engagement help" in shown
    assert "<!channel>" not in shown


@pytest.mark.parametrize(("text", "meant"), [
    ("trend monthly quarterly", "quarter"), ("npx", "nps"), ("trend weakly", "weekly"),
    ("map movment", "movement"), ("tehmes", "themes"),
])
def test_a_typo_gets_what_was_likely_meant(slack: SignedSlackClient, text: str,
                                           meant: str) -> None:
    body = slack.slash_command(STAFF, text).json()

    assert f"Did you mean `{meant}`?" in body["text"]


def test_a_word_like_nothing_known_gets_no_guess(slack: SignedSlackClient) -> None:
    body = slack.slash_command(STAFF, "trend zzzzzz").json()

    assert "Did you mean" not in body["text"]


def test_customers_do_not_see_the_figures(
    send_pulse: SendPulse, slack: SignedSlackClient
) -> None:
    send_pulse()

    body = slack.slash_command(CUSTOMERS[0], "").json()

    assert "for the team" in body["text"]
    assert "blocks" not in body


def test_nps_and_csat_in_detail(
    send_pulse: SendPulse, sandbox: SlackSandbox, slack: SignedSlackClient
) -> None:
    from storage.models import Metric

    send_pulse()
    _answer_all(sandbox, slack, [10, 9, 8, 3, 10])
    send_pulse(name="csat", metric=Metric.CSAT, users=CUSTOMERS[:2])
    for user_id, score in ((CUSTOMERS[0], 5), (CUSTOMERS[1], 2)):
        messages = sandbox.messages(sandbox.dm_channel(user_id))
        updates = len(sandbox.calls("chat.update"))
        slack.click(user_id, messages[-1], ids.score_action_id("csat", score))
        assert len(sandbox.calls("chat.update")) == updates + 1

    nps = str(slack.slash_command(STAFF, "nps").json()["blocks"])
    csat = str(slack.slash_command(STAFF, "csat 30d").json()["blocks"])

    assert "Promoters (9–10) 3 · Passives (7–8) 1 · Detractors (0–6) 1" in nps
    assert "*50%* satisfied" in csat
    assert "last 30 days" in csat


def test_trend_groups_answers_by_week(
    send_pulse: SendPulse, sandbox: SlackSandbox, slack: SignedSlackClient, clock
) -> None:
    from datetime import timedelta

    send_pulse(min_interval_days=0)
    clock.now = clock.now.replace(year=2026, month=11, day=16)  # a Monday
    click_score(sandbox, slack, CUSTOMERS[0], 10)
    click_score(sandbox, slack, CUSTOMERS[1], 0)
    clock.now += timedelta(days=7)
    click_score(sandbox, slack, CUSTOMERS[2], 10)

    blocks = str(slack.slash_command(STAFF, "trend weekly").json()["blocks"])

    assert "16 Nov 2026: NPS *0* (n=2" in blocks
    assert "23 Nov 2026: NPS *+100* (n=1" in blocks


def test_segments_below_the_anonymity_minimum_stay_hidden(
    services, sandbox: SlackSandbox, slack: SignedSlackClient
) -> None:
    eight_customers_score_nine(services, sandbox, slack)

    blocks = str(slack.slash_command(STAFF, "segment plan").json()["blocks"])

    # Showing enterprise would show starter too: the whole NPS minus enterprise's.
    assert "enterprise" not in blocks
    assert "starter" not in blocks
    assert "No plan group can be shown without giving a smaller one away" in blocks
    assert "2 groups hidden so neither can be worked out" in blocks


def test_one_small_segment_hides_the_next_smallest_so_it_cannot_be_subtracted(
    services, sandbox: SlackSandbox, slack: SignedSlackClient
) -> None:
    customers_score_nine(services, sandbox, slack,
                         ["enterprise"] * 6 + ["growth"] * 5 + ["starter"] * 3)

    blocks = str(slack.slash_command(STAFF, "segment plan").json()["blocks"])

    # 6 promoters: adjusted p = 6.75/9, d = 0.75/9, centre 2/3, margin
    # 1.96·√((0.8333 − 0.4444)/9) = 0.407: +26 to +100 (clipped).
    assert "*enterprise*: NPS *+100* (6 respondents, 95% interval +26 to +100)" in blocks
    assert "growth" not in blocks
    assert "starter" not in blocks
    assert "2 groups hidden so neither can be worked out: 1 with fewer than 5 respondents" \
        in blocks


def test_share_posts_in_the_channel(slack: SignedSlackClient) -> None:
    assert slack.slash_command(STAFF, "share").json()["response_type"] == "in_channel"
    assert slack.slash_command(STAFF, "").json()["response_type"] == "ephemeral"


def test_benchmark_names_sources_and_the_change_shows_on_the_overview(
    send_pulse: SendPulse, sandbox: SlackSandbox, slack: SignedSlackClient
) -> None:
    send_pulse()
    _answer_all(sandbox, slack, [10, 9, 8, 3, 10])

    answer = slack.slash_command(STAFF, "benchmark").json()
    benchmark = str(click_all_benchmarks(sandbox, slack, STAFF, answer)["blocks"])
    overview = str(slack.slash_command(STAFF, "").json()["blocks"])

    assert "*NPS +40*: 10 points below the cross-industry excellent threshold (50)" \
        in str(answer["blocks"])
    assert "Our NPS: +40" in benchmark
    assert "grade A" in benchmark
    assert "margin of error" in benchmark
    assert "no earlier answers to compare" not in overview  # said only when there is a change


def test_the_overview_says_how_the_figures_moved_and_whether_it_matters(
    send_pulse: SendPulse, sandbox: SlackSandbox, slack: SignedSlackClient, clock
) -> None:
    from datetime import timedelta

    clock.now -= timedelta(days=100)
    send_pulse(min_interval_days=0)
    for user_id in CUSTOMERS:
        click_score(sandbox, slack, user_id, 2)
    clock.now += timedelta(days=100)
    send_pulse(name="again", min_interval_days=0)
    for user_id in CUSTOMERS:
        click_score(sandbox, slack, user_id, 10)

    overview = str(slack.slash_command(STAFF, "").json()["blocks"])

    assert "Against the 90 days before: NPS up 200 points, beyond the margin of error" in overview


def test_the_engagement_map_places_each_customer(
    send_pulse: SendPulse, sandbox: SlackSandbox, slack: SignedSlackClient
) -> None:
    from storage.models import Metric

    send_pulse()
    _answer_all(sandbox, slack, [10, 3, 10, 2, 9])
    send_pulse(name="csat", metric=Metric.CSAT, users=CUSTOMERS[:4])
    for user_id, score in zip(CUSTOMERS[:4], [5, 5, 2, 1], strict=True):
        click_score(sandbox, slack, user_id, score, metric="csat")

    reply = slack.slash_command(STAFF, "engagement").json()

    shown = str(reply["blocks"])
    for segment in ("Engaged advocates", "Satisfied, not loyal", "Loyal, not satisfied",
                    "At risk"):
        # Wilson for 1 of 4: centre (0.25 + 1.96²/8)/(1 + 1.96²/4) = 0.372, margin 0.327.
        assert f"*{segment}* — 25% (5% to 70%) · 1 customer" in shown
    assert "1 customer not placed yet" in shown
    assert reply["text"] == "Engagement map, last 90 days: 25% engaged advocates"


def test_themes_count_what_customers_repeat_overall_and_for_detractors(
    send_pulse: SendPulse, sandbox: SlackSandbox, slack: SignedSlackClient
) -> None:
    send_pulse()
    said = [
        (10, "Support answered in minutes, lovely support team"),
        (9, "Great support and a clear dashboard"),
        (3, "The CSV export fails every Monday <!channel>"),
        (2, "Export broke again and the invoice was wrong"),
        (5, "Invoice totals are wrong, export is slow"),
    ]
    for user_id, (score, text) in zip(CUSTOMERS, said, strict=True):
        click_score(sandbox, slack, user_id, score)
        comment(sandbox, slack, user_id, text)

    body = slack.slash_command(STAFF, "themes").json()

    shown = str(body["blocks"])
    assert body["response_type"] == "ephemeral"
    # Wilson for 3 and 2 of 5: centres 0.557 and 0.443, margin 1.96·√(0.24/5 + 1.96²/100)
    # /(1 + 1.96²/5) = 0.326 for both.
    assert "`export` 3 comments (60%, 95% interval 23% to 88%) · negative" in shown
    assert "`support` 2 comments (40%, 95% interval 12% to 77%) · positive" in shown
    # The NPS of the answers behind each theme. Export: 3 detractors, adjusted d = 3.75/6,
    # p = 0.75/6, centre −0.5, margin 1.96·√((0.75 − 0.25)/6) = 0.566. Support: 2 promoters,
    # p = 2.75/5, d = 0.75/5, centre 0.4, margin 1.96·√((0.7 − 0.16)/5) = 0.644.
    assert "· NPS −100 (n=3, −100 to +7)" in shown
    assert "· NPS +100 (n=2, −24 to +100)" in shown
    detractors = shown[shown.index("*Detractors*"):]
    assert "`export` 3 comments" in detractors
    assert "`invoice` 2 comments" in detractors
    assert "<!channel>" not in shown


def test_comments_in_other_languages_are_shown_as_not_scored_and_counted(
    send_pulse: SendPulse, sandbox: SlackSandbox, slack: SignedSlackClient
) -> None:
    send_pulse()
    said = [
        (2, "Your billing portal double-charged us and support never replied."),
        (3, "Le support ne répond jamais et la facture est fausse, c'est inacceptable."),
        (4, "Die Abrechnung ist falsch und niemand antwortet auf unsere Tickets."),
        (9, "Great support and a clear dashboard"),
        (10, "Lovely support team, and the export just works"),
    ]
    for user_id, (score, text) in zip(CUSTOMERS, said, strict=True):
        click_score(sandbox, slack, user_id, score)
        comment(sandbox, slack, user_id, text)

    every = str(slack.slash_command(STAFF, "comments").json()["blocks"])
    negative = str(slack.slash_command(STAFF, "comments negative").json()["blocks"])
    themes = str(slack.slash_command(STAFF, "themes").json()["blocks"])

    assert "NPS 3 · not scored (FR)" in every
    assert "NPS 4 · not scored (DE)" in every
    assert "2 comments not scored (DE 1, FR 1) in this period" in every
    # The NPS 0-style complaint is found by the negative filter now...
    assert "double-charged us" in negative
    # ...which cannot see the French and German ones, and says so.
    assert "Le support" not in negative
    assert "2 comments not scored (DE 1, FR 1) in this period" in negative
    assert "2 comments not scored (DE 1, FR 1), not in these themes" in themes
    assert "From 3 comments" in themes


def test_trend_shows_csat_with_its_interval_as_it_does_nps(
    send_pulse: SendPulse, sandbox: SlackSandbox, slack: SignedSlackClient, clock
) -> None:
    from storage.models import Metric

    clock.now = clock.now.replace(year=2026, month=11, day=16)  # a Monday
    send_pulse(metric=Metric.CSAT, users=CUSTOMERS[:3])
    for user_id, score in zip(CUSTOMERS[:3], [5, 4, 2], strict=True):
        click_score(sandbox, slack, user_id, score, metric="csat")

    blocks = str(slack.slash_command(STAFF, "trend weekly").json()["blocks"])

    # Wilson for 2 of 3: centre (2/3 + 1.96²/6)/(1 + 1.96²/3) = 0.573, margin
    # 1.96·√((2/9)/3 + 1.96²/36)/(1 + 1.96²/3) = 0.365.
    assert "16 Nov 2026: NPS – · CSAT *67%* (n=3, 21% to 94%)" in blocks


def test_a_one_day_period_and_one_answer_read_in_the_singular(
    send_pulse: SendPulse, sandbox: SlackSandbox, slack: SignedSlackClient
) -> None:
    send_pulse()
    click_score(sandbox, slack, CUSTOMERS[0], 10)

    body = slack.slash_command(STAFF, "1d").json()

    shown = str(body["blocks"])
    assert "Customer engagement · last 1 day" in shown
    assert "(1 answer)" in shown
    assert "1 answers" not in shown
    assert "1 days" not in shown
