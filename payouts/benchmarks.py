"""The batch jobs' floors, shared by bench_batch and bench_scale: SQL statements doing a job's
arithmetic on the same rows in one statement each, timed with ``gfss.common.benchmarks``'s
``rolled_back``."""

# Each award's indexed amount: the OPV as 10 % of the new gross (every award withholds it), or
# each award's own OPV raised with it (none on a breadwinner benefit).
_FLAT_OPV = "ROUND(g.gross * 0.10, 2)"
_OWN_OPV = "ROUND(x.opv * 1.05, 2)"
_IN_FORCE = (
    " AND x.award_id IN (SELECT id FROM benefits_award WHERE benefit = ANY(%(benefits)s)"
    " AND start_date <= %(day)s AND (end_date IS NULL OR end_date >= %(day)s))"
)
PAYMENT_FLOOR_SQL = [
    """
    INSERT INTO payouts_payment
        (created_at, updated_at, uuid, kind, run_id, award_id, benefit, period,
         gross, opv, net, deduction, payable)
    SELECT now(), now(), gen_random_uuid(), 'regular', %(run)s, a.id, a.benefit, %(period)s,
           x.gross, x.opv, x.net, 0, x.net
    FROM benefits_award a JOIN benefits_awardamount x ON x.award_id = a.id
    """
]


def index_floor_sql(*, own_opv: bool = False, in_force: bool = False) -> list[str]:
    """The floor of an indexation of +5 % from ``%(day)s`` with its settlement: the new
    amounts, then each paid month's difference, each one statement over every row.

    ``own_opv``: raise each award's own OPV instead of taking 10 % of the new gross.
    ``in_force``: index only the awards of ``%(benefits)s`` in force on ``%(day)s``, as the
    event selects them; else every award."""
    opv = _OWN_OPV if own_opv else _FLAT_OPV
    return [
        f"""
    INSERT INTO benefits_awardamount
        (created_at, updated_at, award_id, valid_from, gross, opv, net, reason, comment, event,
         step)
    SELECT now(), now(), x.award_id, %(day)s, g.gross, {opv},
           g.gross - {opv}, 'indexation', '', 0, '{{}}'::jsonb
    FROM benefits_awardamount x
    CROSS JOIN LATERAL (SELECT ROUND(x.gross * 1.05, 2) AS gross) g
    WHERE x.reason = 'assignment'{_IN_FORCE if in_force else ""}
    """,
        """
    INSERT INTO payouts_underpayment
        (created_at, updated_at, award_id, period, gross, opv, net, revision, cause,
         cause_params)
    SELECT now(), now(), p.award_id, p.period, x.gross - p.gross, x.opv - p.opv,
           x.net - p.net, 1, 'event', '{}'::jsonb
    FROM payouts_payment p
    JOIN benefits_awardamount x ON x.award_id = p.award_id AND x.reason = 'indexation'
    WHERE p.period >= %(day)s
    """,
    ]
