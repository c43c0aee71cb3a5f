"""`outcomes import` against a real database (SQLite and PostgreSQL): one event per customer,
event and day, amounts corrected by a later file, the workspace's currency kept beside them."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from bot.core.services import Services
from bot.outcomes.importing import OutcomesReport, import_outcomes
from bot.privacy.forget import forget_person
from bot.workspaces.csv_import import ImportRefused
from bot.workspaces.customer_lookup import CustomerKind, CustomerRef, external_customer_id
from bot.workspaces.grammar import SetCurrency
from storage.models import OutcomeEvent, OutcomeKind, Respondent, WorkspaceSetting
from tests.db.importing import NO_SLACK
from tests.db.test_answer_order import TEAM

HEADER = "customer,event,date,amount\n"
FILE = HEADER + ("U0C0000,renewed,2026-10-01,12000\n"
                 "U0C0000,expanded,2026-10-01,15000\n"  # the same day, another event
                 "U0C0001,churned,2026-09-15,0\n"
                 "Acme,purchased,2026-08-01,\n"
                 "U0C0002,referred,2026-11-20,\n")  # today: the last day allowed


def _import(services: Services, text: str, **options: Any) -> OutcomesReport:
    return import_outcomes(services, NO_SLACK, text, team_id=TEAM, **options)


def _events(engine: Engine) -> list[tuple[str, str, date, float | None]]:
    with Session(engine) as session:
        return sorted((str(user), str(event), day, amount) for user, event, day, amount in
                      session.exec(select(Respondent.user_id, OutcomeEvent.event,
                                          OutcomeEvent.occurred_on, OutcomeEvent.amount)
                                   .join(Respondent, Respondent.id == OutcomeEvent.respondent_id)))


def test_importing_the_same_file_twice_adds_nothing(importer: Services, engine: Engine) -> None:
    first = _import(importer, FILE)
    assert (first.added, first.corrected, first.unchanged, first.customers) == (5, 0, 0, 4)
    stored = _events(engine)
    acme = external_customer_id(CustomerRef(CustomerKind.ACCOUNT, "Acme"))
    assert stored == [
        ("U0C0000", "expanded", date(2026, 10, 1), 15000.0),
        ("U0C0000", "renewed", date(2026, 10, 1), 12000.0),
        ("U0C0001", "churned", date(2026, 9, 15), 0.0),
        ("U0C0002", "referred", date(2026, 11, 20), None),
        (acme, "purchased", date(2026, 8, 1), None),
    ]

    again = _import(importer, FILE)

    assert (again.added, again.corrected, again.unchanged) == (0, 0, 5)
    assert _events(engine) == stored


def test_a_reimport_corrects_an_amount_and_a_blank_one_keeps_it(
    importer: Services, engine: Engine
) -> None:
    _import(importer, FILE)

    corrected = _import(importer, HEADER + "U0C0000,renewed,2026-10-01,12500.50\n"
                                           "U0C0000,expanded,2026-10-01,\n"
                                           "Acme,purchased,2026-08-01,300\n")

    # 12000 → 12500.50 and Acme's none → 300 are corrections; a blank amount changes nothing.
    assert (corrected.added, corrected.corrected, corrected.unchanged) == (0, 2, 1)
    amounts = {(user, event): amount for user, event, _, amount in _events(engine)}
    acme = external_customer_id(CustomerRef(CustomerKind.ACCOUNT, "Acme"))
    assert amounts[("U0C0000", "renewed")] == 12500.5
    assert amounts[("U0C0000", "expanded")] == 15000.0
    assert amounts[(acme, "purchased")] == 300.0


def test_a_file_naming_one_event_twice_or_a_bad_row_imports_nothing(
    importer: Services, engine: Engine
) -> None:
    text = FILE + ("U0C0001,churned,2026-09-15T10:00:00Z,0\n"  # line 7: the same day as line 4
                   "U0C0003,upgraded,2026-09-15,\n"  # line 8
                   "U0C0003,renewed,2026-09-15,-5\n")  # line 9

    with pytest.raises(ImportRefused) as refused:
        _import(importer, text)

    assert refused.value.problems == [
        "line 7: the same customer, event and date as line 4",
        "line 8: event 'upgraded' is not one of renewed, churned, expanded, contracted, "
        "purchased, referred, reviewed",
        "line 9: amount '-5' is negative: write the revenue after the event, 0 after a churn",
    ]
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(OutcomeEvent)).one() == 0
        assert session.exec(select(func.count()).select_from(Respondent)).one() == 0
    assert _import(importer, text, skip_invalid=True).added == 5


def test_the_currency_given_is_kept_as_the_workspaces(importer: Services, engine: Engine) -> None:
    assert _import(importer, FILE).currency is None
    assert _import(importer, FILE, currency=SetCurrency("EUR")).currency == "EUR"
    assert _import(importer, FILE).currency == "EUR"  # not given: kept
    with Session(engine) as session:
        assert session.get(WorkspaceSetting, TEAM).currency == "EUR"  # type: ignore[union-attr]
    assert _import(importer, FILE, currency=SetCurrency(None)).currency is None


def test_a_refused_file_stores_no_currency_either(importer: Services, engine: Engine) -> None:
    with pytest.raises(ImportRefused):
        _import(importer, HEADER + "U0C0000,renewed,someday,1\n", currency=SetCurrency("EUR"))
    with Session(engine) as session:
        assert session.get(WorkspaceSetting, TEAM) is None


def test_forgetting_a_customer_takes_their_events_and_an_old_file_does_not_bring_them_back(
    importer: Services, engine: Engine
) -> None:
    _import(importer, FILE)

    report = forget_person(importer, team_id=TEAM, user_id="U0C0000", requested_by="dpo")

    assert report.counts["outcome_event"] == 2
    assert [e for e in _events(engine) if e[0] == "U0C0000"] == []
    again = _import(importer, FILE)
    assert (again.forgotten, again.added) == (2, 0)
    assert [e for e in _events(engine) if e[0] == "U0C0000"] == []


def test_every_kind_of_outcome_is_stored(importer: Services, engine: Engine) -> None:
    _import(importer, HEADER + "".join(f"U0C0000,{kind.value},2026-10-01,1\n"
                                       for kind in OutcomeKind))
    assert sorted(e[1] for e in _events(engine)) == sorted(k.value for k in OutcomeKind)
