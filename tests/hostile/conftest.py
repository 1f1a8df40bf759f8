"""Hostile families: `case_name` runs over the module's CASES, one test a hostile case."""

from __future__ import annotations

import pytest


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "case_name" in metafunc.fixturenames:
        names = [case.name for case in metafunc.module.CASES]
        metafunc.parametrize("case_name", names, ids=names)
