from pathlib import Path

import pytest

from benefits.rules.golden import load_cases, run_case
from gfss.legal.data_file import parameter_set_from_file

GOLDEN = Path(__file__).parent / "golden"
PARAMS = parameter_set_from_file()
CASES = [
    case for name in ("benefits.yaml", "more_cases.yaml") for case in load_cases(GOLDEN / name)
]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_golden_case_passes(case):
    # given a golden case and the shipped parameters
    # when it runs through the calculators
    mismatches = run_case(case, params=PARAMS)
    # then every expected key is reproduced exactly
    assert mismatches == []


def test_case_ids_are_unique():
    # given every case of both files
    ids = [case.id for case in CASES]
    # then no id repeats
    assert len(ids) == len(set(ids))


def test_a_wrong_expectation_is_reported_with_expected_and_got(tmp_path):
    # given a case whose gross is off by one tiyn
    path = tmp_path / "wrong.yaml"
    path.write_text(
        """
- id: off-by-a-tiyn
  benefit: maternity
  right_date: 2025-03-03
  facts: {avg_monthly_income: '350000', days: 126}
  expect: {gross: '1470000.01', net: '1323000', eligible: true}
""",
        encoding="utf-8",
    )
    (case,) = load_cases(path)
    # when it runs
    mismatches = run_case(case, params=PARAMS)
    # then only the gross differs, and "1323000" equals "1323000.00"
    assert [(m.key, m.expected, m.got) for m in mismatches] == [
        ("gross", "1470000.01", "1470000.00")
    ]


def test_an_unknown_expect_key_is_rejected_when_loading(tmp_path):
    # given a case that expects a key no result has
    path = tmp_path / "unknown.yaml"
    path.write_text(
        "- {id: x, benefit: maternity, right_date: 2025-03-03, facts: {}, expect: {grosss: '1'}}\n",
        encoding="utf-8",
    )
    # when / then loading it fails loudly instead of silently passing
    with pytest.raises(ValueError, match="grosss"):
        load_cases(path)


def test_a_fact_given_directly_wins_over_the_derived_one(tmp_path):
    # given contributions that imply 24 months and a stazh stated as 40
    path = tmp_path / "given.yaml"
    path.write_text(
        """
- id: given-wins
  benefit: job_loss
  right_date: 2025-01-15
  facts:
    stazh_months: 40
    avg_monthly_income: '300000'
    contributions:
      - {payer: '150540012348', from: '2023-01', to: '2024-12', amount: '17500.00'}
  expect: {stazh_months: 40, avg_monthly_income: '300000', ksu: '0.9', gross: '121500.00'}
""",
        encoding="utf-8",
    )
    (case,) = load_cases(path)
    # when it runs / then the stated facts are used
    assert run_case(case, params=PARAMS) == []
