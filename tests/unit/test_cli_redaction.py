"""A command's one error line and its traceback file never show a secret, whether the secret
comes from the environment or only from `.env`."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli.failures import TRACEBACK_LOG, print_line, unexpected_line

SIGNING_SECRET = "only-in-dotenv-8f2c1e9a"
SECOND_KEY = "second-encryption-key-77aa"


@pytest.fixture
def dotenv_secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("SLACK_SIGNING_SECRET", "TOKEN_ENCRYPTION_KEYS"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / ".env").write_text(f"SLACK_SIGNING_SECRET={SIGNING_SECRET}\n"
                                   f"TOKEN_ENCRYPTION_KEYS=first-encryption-key-11,{SECOND_KEY}\n",
                                   encoding="utf-8")


@pytest.mark.usefixtures("dotenv_secrets")
def test_a_secret_set_only_in_dotenv_is_redacted_from_the_line_and_the_traceback(
        capsys: pytest.CaptureFixture[str]) -> None:
    before = TRACEBACK_LOG.stat().st_size if TRACEBACK_LOG.exists() else 0
    try:
        raise RuntimeError(f"signed with {SIGNING_SECRET} and {SECOND_KEY}")
    except RuntimeError as error:
        line = unexpected_line(error)
    print_line(line)

    shown = capsys.readouterr().err
    with TRACEBACK_LOG.open(encoding="utf-8") as log:
        log.seek(before)
        written = log.read()
    assert "[redacted]" in shown
    assert "[redacted]" in written
    for secret in (SIGNING_SECRET, SECOND_KEY):
        assert secret not in shown
        assert secret not in written
