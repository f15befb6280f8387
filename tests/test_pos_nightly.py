"""The nightly POS job as cron runs it: exit codes, rejects file and a log without personal data."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import clientcare

JOB = Path(__file__).resolve().parent.parent / "examples" / "pos_nightly" / "job.py"

CSV = (
    "receipt_id,occurred_at,style_no,unit_price,quantity,customer_phone,store_id\n"
    "R-1,2026-01-05T10:00:00,QY-2301,899.00,1,13800138000,静安店\n"
    "R-1,2026-01-05T10:00:00,KZ-1102,459.00,2,13800138000,静安店\n"
    "R-2,2026-01-05T11:00:00,WT-0808,not-a-price,1,13800138000,静安店\n"
    "R-3,2026-01-05T12:00:00,WT-0808,1299.00,1,,徐汇店\n"
)


def _shop(tmp_path: Path) -> str:
    """An SQLite file where 王芳, whose phone the POS rows carry, is already a customer."""
    url = f"sqlite:///{tmp_path / 'care.db'}"
    with clientcare.connect(url, tenant="acme") as care:
        care.customers.register("王芳", "13800138000", by="小李")
    return url


def _job(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(JOB), *args], capture_output=True, text=True, check=False, timeout=120)


def test_a_night_with_a_bad_row_keeps_the_rest_writes_rejects_and_a_rerun_adds_nothing(tmp_path: Path) -> None:
    """Exit 1 with the bad row in the rejects file; the second run skips the stored receipts."""
    source = tmp_path / "pos-2026-01-05.csv"
    source.write_text(CSV, encoding="utf-8")
    url = _shop(tmp_path)

    first = _job("--url", url, "--tenant", "acme", str(source))
    assert first.returncode == 1, first.stderr
    assert "imported=2 skipped=0 rejected=1" in first.stderr
    assert "rejected line 4: unit_price" in first.stderr
    rejects = source.with_name(source.name + ".rejects.csv")
    lines = rejects.read_text(encoding="utf-8").splitlines()
    assert lines[0].endswith(",reject_reason") and len(lines) == 2 and lines[1].startswith("R-2,")
    assert stat.S_IMODE(rejects.stat().st_mode) == 0o600

    second = _job("--url", url, "--tenant", "acme", str(source))
    assert second.returncode == 1, second.stderr
    assert "imported=0 skipped=2 rejected=1" in second.stderr

    for log in (first.stderr, second.stderr):
        for personal in ("13800138000", "王芳", "not-a-price"):
            assert personal not in log


def test_a_clean_file_exits_zero_and_clears_old_rejects(tmp_path: Path) -> None:
    """All rows in: exit 0, and last night's rejects file is gone."""
    source = tmp_path / "pos.csv"
    source.write_text("".join(line + "\n" for i, line in enumerate(CSV.splitlines()) if i != 3), encoding="utf-8")
    source.with_name("pos.csv.rejects.csv").write_text("old\n")
    result = _job("--url", _shop(tmp_path), "--tenant", "acme", str(source))
    assert result.returncode == 0, result.stderr
    assert not source.with_name("pos.csv.rejects.csv").exists()


def test_a_missing_file_or_an_unknown_backend_has_its_own_exit_code(tmp_path: Path) -> None:
    """Exit 3 when the export is not there, 4 when clientcare cannot open the URL, 2 without a tenant."""
    assert _job("--url", "memory://", "--tenant", "acme", str(tmp_path / "none.csv")).returncode == 3
    source = tmp_path / "pos.csv"
    source.write_text(CSV, encoding="utf-8")
    assert _job("--url", "nosuch://x", "--tenant", "acme", str(source)).returncode == 4
    assert _job("--url", "memory://", str(source)).returncode == 2
