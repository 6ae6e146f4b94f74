"""Tests of CT Equity Benchmarks."""
import pytest

pytest.register_assert_rewrite("tests.disclosure_gather")
