"""Two or three examples at the end of the main commands' --help (issue 19), in one table.

Commands are shown as people type them; the heading is translated, the commands are not (they
are what is typed). ``\\b`` keeps Click from rewrapping the lines.
"""

from __future__ import annotations

from lipctl.i18n import _

EXAMPLES: dict[str, tuple[str, ...]] = {
    "init": ("lipctl init", "lipctl --db /srv/lip/lipctl.db init --seed my-seed.yaml"),
    "status": ("lipctl status", "lipctl status --today 2021-03-01 --format json", "lipctl status --fail-on-overdue  # cron"),
    "report": ("lipctl report --output briefing.html", "lipctl report --output - --since 2021-01-01 | less"),
    "draft submit": (
        "lipctl draft submit bildung --kind grundsatzpapier --file gp.pdf --date 2020-10-15",
        "lipctl draft submit plan --file lip-2.0.pdf",
    ),
    "draft show": ("lipctl draft show bildung/grundsatzpapier", "lipctl draft show 12 --format json"),
    "opinion record": (
        'lipctl opinion record bildung/grundsatzpapier --from runder-tisch --stance amend --text "Mehr Sprachkurse"',
        "lipctl opinion record 12 --from integrationsbeiraete --stance approve --file einschaetzung.pdf",
    ),
    "steering decide": (
        'lipctl steering decide bildung/grundsatzpapier --forward --reason "reif für den Ausschuss"',
        'lipctl steering decide 12 --return --reason "Stellungnahmen einarbeiten"',
    ),
    "committee tally": (
        "lipctl committee tally bildung/grundsatzpapier --yes 9 --no 4 --abstain 1 --present 14 --drucksache 0042/2021",
        "lipctl committee tally bildung/grundsatzpapier --meeting 3 --yes 3 --no 0 --abstain 0 --present 3",
        "lipctl committee tally soziales/grundsatzpapier --defer --date 2021-02-24",
    ),
    "committee list": ("lipctl committee list --since 2021-01-01", "lipctl committee list --include-voided --format json"),
    "council list": ("lipctl council list --format json",),
    "council tally": ("lipctl council tally --yes 40 --no 20 --abstain 3 --present 63 --members 65 --drucksache 1234/2021",),
    "meeting schedule": (
        "lipctl meeting schedule internationaler-ausschuss --date 2021-03-04 --start 16:00 --invited-on 2021-02-24",
        "lipctl meeting schedule internationaler-ausschuss --date 2021-03-18 --invited-on 2021-03-10 --second-convocation-of 4",
    ),
    "survey import": (
        'lipctl survey import results-survey123.csv --survey "Online-Beteiligung 2021"',
        'lipctl survey import export.csv --survey "Umfrage 2" --profile decidim --rejects rejected.csv',
    ),
    "survey export": (
        "lipctl survey export --field bildung --format csv > bildung.csv",
        'lipctl survey export --field bildung --survey "Zweite Online-Umfrage" --handover --format csv > bildung.csv',
    ),
    "survey open": (
        'lipctl survey open "Zweite Online-Umfrage" --from 2021-03-01 --until 2021-03-31 --round 2',
        'lipctl survey open "Zweite Online-Umfrage" --from 2021-03-01 --until 2021-04-15  # extended',
    ),
    "survey close": (
        'lipctl survey close "Zweite Online-Umfrage"',
        'lipctl --today 2021-03-31 survey close "Zweite Online-Umfrage"',
    ),
    # issue 18, calendar feed (branch calendar)
    "calendar": (
        "lipctl calendar --output /srv/www/lip/lip.ics",
        "lipctl calendar --output - --lang en | less",
    ),
    "log": ("lipctl log --since 2021-01-01", "lipctl log --draft bildung/grundsatzpapier", "lipctl log verify"),
    "milestone reschedule": ('lipctl milestone reschedule massnahmenkataloge --due 2021-09-30 --reason "Corona"',),
    # issue 18 (helper "contacts")
    "field edit": (
        'lipctl field edit bildung --contact "Maya Nyagolova" --email maya.nyagolova@example.org --phone "+49 511 168-0"',
        'lipctl field edit stadtverwaltung-diversitaet --external-speaker "Vorname Name"',
    ),
    "body edit": (
        "lipctl body edit runder-tisch --email runder-tisch@example.org --language de",
        "lipctl body edit rat --seats 65 --from 2021-11-01",
    ),
    # issue 18 (helper "remind")
    "remind": ("lipctl remind --output reminders/", "lipctl remind --within 14 --send  # LIPCTL_SMTP_URL, LIPCTL_MAIL_FROM"),
    "search": (  # issue 19
        "lipctl search Sprachkurse",
        'lipctl search "mehr Kita" --in surveys --field bildung --limit 50',
        "lipctl search Elternarbeit --format json",
    ),
    "db backup": ("lipctl db backup /srv/backup/lipctl-$(date +%F).db",),
}


def epilog(path: str) -> str | None:
    """The examples of command ``path`` as an --help epilog, or None."""
    lines = EXAMPLES.get(path)
    if not lines:
        return None
    return _("Examples:") + "\n\n\b\n" + "\n".join(f"  {line}" for line in lines)
