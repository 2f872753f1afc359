"""Golden files: each golden/NAME.input.txt cleans to NAME.expected.txt with the audit in NAME.audit.json.

To accept a deliberate change in cleaning, regenerate with
`.venv/bin/python -m tests.transform.test_cleaning_golden` and review the diff before committing it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from transform.cleaning import clean_text
from transform.records import CleaningAudit

GOLDEN = Path(__file__).resolve().parent / "golden"
CASES = sorted(path.name.removesuffix(".input.txt") for path in GOLDEN.glob("*.input.txt"))


def audit_as_json(audit: CleaningAudit) -> dict[str, Any]:
    details: dict[str, list[str]] = {}
    for step, detail in audit.details:
        details.setdefault(step, []).append(detail)
    return {"changes": dict(audit.changes), "details": details}


def test_there_are_enough_golden_cases() -> None:
    assert len(CASES) >= 6


@pytest.mark.parametrize("name", CASES)
def test_golden_case(name: str) -> None:
    source = (GOLDEN / f"{name}.input.txt").read_text(encoding="utf-8")
    expected = (GOLDEN / f"{name}.expected.txt").read_text(encoding="utf-8").removesuffix("\n")
    expected_audit = json.loads((GOLDEN / f"{name}.audit.json").read_text(encoding="utf-8"))

    cleaned, audit = clean_text(source)

    assert cleaned == expected
    assert audit_as_json(audit) == expected_audit
    assert clean_text(cleaned)[0] == cleaned


def regenerate() -> None:
    for name in CASES:
        cleaned, audit = clean_text((GOLDEN / f"{name}.input.txt").read_text(encoding="utf-8"))
        (GOLDEN / f"{name}.expected.txt").write_text(cleaned + "\n", encoding="utf-8")
        dumped = json.dumps(audit_as_json(audit), indent=2, ensure_ascii=False)
        (GOLDEN / f"{name}.audit.json").write_text(dumped + "\n", encoding="utf-8")


if __name__ == "__main__":
    regenerate()
