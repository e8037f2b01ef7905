"""The beat schedule, in code (style B8): ``manage.py setup_periodic_tasks`` writes it."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    name: str
    task: str
    minute: str
    hour: str
    day_of_month: str = "*"
    month_of_year: str = "*"
    day_of_week: str = "*"


# Names start with "gfss: " so that a rebuild removes only the entries it owns.
PREFIX = "gfss: "

SCHEDULE: list[Entry] = [
    # https://crontab.guru/#0_2_5_*_* : 02:00 on the 5th, the month's payments
    Entry(
        PREFIX + "monthly payment run",
        "payouts.tasks.payment_run_monthly_task",
        minute="0",
        hour="2",
        day_of_month="5",
    ),
    # https://crontab.guru/#30_1_*_*_* : 01:30 every night, penalties on late contributions
    Entry(
        PREFIX + "nightly penalty accrual",
        "contributions.tasks.penalties_accrue_task",
        minute="30",
        hour="1",
    ),
    # https://crontab.guru/#0_4_1_*_* : 04:00 on the 1st, after the night's summaries, the
    # payers to monitor
    Entry(
        PREFIX + "monthly payer monitoring",
        "reporting.tasks.payer_monitoring_task",
        minute="0",
        hour="4",
        day_of_month="1",
    ),
    # https://crontab.guru/#30_3_1_*_* : 03:30 on the 1st, next year's ledger partition ahead
    Entry(
        PREFIX + "ledger partitions ahead",
        "contributions.tasks.ledger_partitions_ensure_task",
        minute="30",
        hour="3",
        day_of_month="1",
    ),
    # https://crontab.guru/#0_3_*_*_* : 03:00 every night, after the penalties, the report summaries
    Entry(
        PREFIX + "nightly report summaries",
        "reporting.tasks.summaries_refresh_task",
        minute="0",
        hour="3",
    ),
    # https://crontab.guru/#15_*_*_*_* : every hour at :15, proactive offers past 3 days lapse
    Entry(
        PREFIX + "proactive offers lapse",
        "benefits.tasks.offers_lapse_task",
        minute="15",
        hour="*",
    ),
    # https://crontab.guru/#*/5_*_*_*_* : every 5 minutes, batch runs whose worker died
    Entry(
        PREFIX + "batch watchdog",
        "gfss.jobs.tasks.batchrun_requeue_stale_task",
        minute="*/5",
        hour="*",
    ),
]
