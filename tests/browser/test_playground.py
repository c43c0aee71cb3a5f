"""The playground in a real browser: what a newcomer does first, through the page alone.

Each test acts as people no other test here acts as (customers answer one pulse each), so
the tests share one playground and may run in any order.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlmodel import select

from bot.playground.cast import ALERTS, CUSTOMERS, GENERAL, STAFF
from storage.engine import session_scope
from storage.models import Respondent, Response
from tests.browser.conftest import screenshot_path
from tests.playground import ServedPlayground

DANA, SAM = STAFF
AMARA, EMMA, FARID = CUSTOMERS[:3]


def _as(page: Page, served: ServedPlayground, who: str) -> None:
    page.goto(f"{served.url}?as={who}")
    expect(page.locator("#act-as")).to_have_value(who)


def _type(page: Page, text: str) -> None:
    page.get_by_role("textbox", name="Message").fill(text)
    page.get_by_role("textbox", name="Message").press("Enter")


def _answer(served: ServedPlayground, who: str) -> Response:
    with session_scope(served.playground.engine) as session:
        return session.exec(select(Response).join(Respondent).where(
            Respondent.user_id == who)).one()


def test_staff_type_engagement_and_only_they_see_the_answer(
    page: Page, served: ServedPlayground,
) -> None:
    _as(page, served, DANA.user_id)
    page.get_by_role("button", name=f"# {GENERAL.name}").click()

    _type(page, "/engagement")

    reply = page.locator("article.ephemeral").last
    expect(reply).to_contain_text("Only visible to you")
    expect(reply).to_contain_text("Customer engagement")
    expect(reply).to_contain_text("NPS")
    page.screenshot(path=str(screenshot_path()))
    # Not channel history: a customer in #general sees nothing of it.
    assert served.playground.sandbox.messages(GENERAL.channel_id) == []
    page.locator("#act-as").select_option(AMARA.user_id)
    page.get_by_role("button", name=f"# {GENERAL.name}").click()
    expect(page.locator("#messages")).to_contain_text("Nothing here yet")


def test_a_customer_clicks_a_score_and_comments_in_the_modal(
    page: Page, served: ServedPlayground,
) -> None:
    _as(page, served, AMARA.user_id)  # a customer starts in the app's messages, at the pulse

    page.get_by_role("button", name="8", exact=True).click()

    expect(page.get_by_role("button", name="8", exact=True)).to_have_class("bk-button primary")
    expect(page.get_by_text("Thank you! You chose 8.")).to_be_visible()
    assert _answer(served, AMARA.user_id).score == 8
    page.get_by_role("button", name="Add a comment").click()
    modal = page.get_by_role("dialog", name="Your comment")
    modal.get_by_role("textbox").fill("Quick answers from support, every time.")
    modal.get_by_role("button", name="Send").click()
    expect(modal).to_be_hidden()
    expect(page.get_by_text("Thanks for your comment.")).to_be_visible()
    assert _answer(served, AMARA.user_id).comment == "Quick answers from support, every time."


def test_a_comment_written_as_html_is_shown_as_text(
    page: Page, served: ServedPlayground,
) -> None:
    comment = "<img src=x onerror=alert(1)> <b>bold?</b> <!channel>"
    _as(page, served, EMMA.user_id)
    page.get_by_role("button", name="9", exact=True).click()
    page.get_by_role("button", name="Add a comment").click()
    page.get_by_role("dialog").get_by_role("textbox").fill(comment)
    page.get_by_role("dialog").get_by_role("button", name="Send").click()
    expect(page.get_by_text("Thanks for your comment.")).to_be_visible()

    page.locator("#act-as").select_option(DANA.user_id)
    _type(page, "/engagement comments")

    expect(page.locator("article.ephemeral").last).to_contain_text(comment)
    assert page.locator("#messages img[src='x']").count() == 0
    assert page.locator("#messages b", has_text="bold?").count() == 0
    # `page` fails the test if the comment opened a dialog or raised a script error.


def test_the_home_tab_shows_staff_the_figures_and_customers_their_surveys(
    page: Page, served: ServedPlayground,
) -> None:
    _as(page, served, SAM.user_id)
    page.get_by_role("button", name="Engagement").click()
    page.get_by_role("tab", name="Home").click()
    expect(page.locator("#home")).to_contain_text("Customer engagement")

    page.locator("#act-as").select_option(FARID.user_id)
    page.get_by_role("tab", name="Home").click()

    home = page.locator("#home")
    expect(home).to_contain_text("Thanks for helping us improve")
    expect(home).not_to_contain_text("NPS")


def test_staff_take_ownership_of_an_alert_from_its_button(
    page: Page, served: ServedPlayground,
) -> None:
    _as(page, served, SAM.user_id)
    page.get_by_role("button", name=f"# {ALERTS.name}").click()
    alert = page.locator("article", has_text="Follow-up")
    expect(alert).to_contain_text("Nobody owns this yet")

    alert.get_by_role("button", name="Take ownership").click()

    expect(alert).to_contain_text(f"Owned by @{SAM.name}")
