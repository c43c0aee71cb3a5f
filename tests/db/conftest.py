"""Fixtures of the import tests (tests/db/importing.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from bot.core.services import Services
from tests.conftest import FakeClock
from tests.db.importing import import_services
from tests.db.test_answer_order import NOW


@pytest.fixture
def import_clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def importer(engine: Engine, import_clock: FakeClock) -> Services:
    """Services for importing into the test workspace, on `engine`, at `import_clock`."""
    return import_services(engine, import_clock)
