"""Peak memory of this process, read from /proc (Linux).

`resource.getrusage(...).ru_maxrss` is not used: Linux keeps it across fork and exec, so a benchmark
child started by a large parent reports the parent's peak (the earlier figures showed 780 MB for every
child). VmHWM belongs to the process's own address space, and writing 5 to /proc/self/clear_refs resets
it, so a phase's own peak can be measured.
"""

from __future__ import annotations

from pathlib import Path

_STATUS = Path("/proc/self/status")


def _status_mb(field: str) -> float | None:
    if not _STATUS.exists():
        return None
    for line in _STATUS.read_text(encoding="ascii").splitlines():
        if line.startswith(f"{field}:"):
            return round(int(line.split()[1]) / 1024, 1)
    return None


def peak_rss_mb() -> float | None:
    """The highest resident set size of this process so far (since the last reset), in MB."""
    return _status_mb("VmHWM")


def rss_mb() -> float | None:
    """The resident set size of this process now, in MB."""
    return _status_mb("VmRSS")


def reset_peak_rss() -> bool:
    """Start measuring the peak afresh from the current size; False where the kernel does not allow it."""
    try:
        Path("/proc/self/clear_refs").write_text("5", encoding="ascii")
    except OSError:
        return False
    return True
