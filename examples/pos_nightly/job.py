"""The nightly POS import as cron runs it: one file in, counts in the log, rejects beside it.

    python job.py --url sqlite:////var/lib/shop/care.db --tenant acme /srv/pos/pos-2026-01-05.csv

Exit codes, so cron (or the scheduler wrapping it) can tell what happened:

* 0: every row was imported or was already there (a re-run imports nothing twice);
* 1: some rows were rejected, the rest are kept; fix ``<file>.rejects.csv`` and feed it back;
* 2: wrong arguments (argparse);
* 3: the input file is missing or another run still holds the lock;
* 4: clientcare cannot open the database or is wired up wrongly.

The log carries counts, line numbers and ``field: rule`` only: the file's rows hold
customers' phones, so no value from a row is ever logged.
"""

from __future__ import annotations

import argparse
import csv
import fcntl
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import clientcare
from clientcare.errors import ClientcareError, ConfigurationError

log = logging.getLogger("pos_nightly")

OK, REJECTED, INPUT_MISSING, CANNOT_RUN = 0, 1, 3, 4


@contextmanager
def single_run(lock_path: Path) -> Iterator[bool]:
    """True while this process alone holds ``lock_path``: a slow night must not overlap the next."""
    with lock_path.open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True


def write_rejects(source: Path, rejects: dict[int, str], target: Path) -> None:
    """The rejected rows as they were, plus the reason, ready to be fixed and imported again.

    The file holds personal data like the input, so only its owner may read it.
    """
    with source.open(encoding="utf-8-sig", newline="") as infile:
        reader = csv.reader(infile)
        header = next(reader)
        rows = [(reader.line_num, row) for row in reader]
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as outfile:
        writer = csv.writer(outfile)
        writer.writerow([*header, "reject_reason"])
        writer.writerows([*row, rejects[line]] for line, row in rows if line in rejects)


def run(url: str, tenant: str, source: Path, batch_size: int) -> int:
    """Import ``source`` for ``tenant``; the exit code of the job."""
    if not source.is_file():
        log.error("input missing: %s", source.name)
        return INPUT_MISSING
    with single_run(source.with_suffix(".lock")) as alone:
        if not alone:
            log.error("another import of %s is still running", source.name)
            return INPUT_MISSING
        log.info("import started: tenant=%s file=%s", tenant, source.name)
        try:
            with clientcare.connect(url, tenant=tenant) as care:
                report = care.purchases.import_csv(
                    source,
                    batch_size=batch_size,
                    on_progress=lambda p: log.info(
                        "progress: lines=%d imported=%d skipped=%d rejected=%d",
                        p.lines_read,
                        p.imported,
                        p.skipped,
                        p.rejected,
                    ),
                )
        except ConfigurationError as error:
            log.error("cannot run: %s", error)  # names the missing extra or URL rule, never a value
            return CANNOT_RUN
        except ClientcareError as error:
            log.error("import stopped: %s", type(error).__name__)
            return CANNOT_RUN
        log.info(
            "import finished: imported=%d skipped=%d rejected=%d",
            report.imported,
            report.skipped,
            len(report.rejected),
        )
        rejects_path = source.with_name(source.name + ".rejects.csv")
        if not report.rejected:
            rejects_path.unlink(missing_ok=True)  # a clean re-run clears the last night's rejects
            return OK
        for reject in report.rejected:
            log.warning("rejected line %d: %s", reject.line, reject.reason)
        write_rejects(source, {r.line: r.reason for r in report.rejected}, rejects_path)
        log.warning("rejects written to %s", rejects_path.name)
        return REJECTED


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, set up the log for cron's mail or a file, run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, help="the POS export (CSV, layout in docs/sql.md)")
    parser.add_argument("--url", default=os.environ.get("CLIENTCARE_URL"), help="database URL (or $CLIENTCARE_URL)")
    parser.add_argument("--tenant", default=os.environ.get("CLIENTCARE_TENANT"), help="tenant (or $CLIENTCARE_TENANT)")
    parser.add_argument("--batch-size", type=int, default=5000)
    args = parser.parse_args(argv)
    if not args.url or not args.tenant:
        parser.error("--url and --tenant (or CLIENTCARE_URL and CLIENTCARE_TENANT) are required")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    return run(args.url, args.tenant, args.file, args.batch_size)


if __name__ == "__main__":
    sys.exit(main())
