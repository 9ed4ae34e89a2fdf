"""Single-article bench: one saved page to EPUB, and to EPUB + PDF, whole process, exporter beside pandoc.

Run from the project root:  .venv/bin/python bench/single_bench.py [--repeat 5] [--page fixtures/theme-page.html]

Four measurements, alternated in one run so that both tools see the same machine load:

* exporter EPUB:        ``exporter export PAGE -f epub -o OUT -q``
* exporter EPUB + PDF:  ``exporter export PAGE -o OUT -q`` (both formats, the default)
* pandoc EPUB:          ``pandoc PAGE -o x.epub``
* pandoc EPUB + PDF:    ``pandoc PAGE -o x.epub`` then ``pandoc PAGE -o x.pdf --pdf-engine=weasyprint``

Each is the wall clock around the whole process (start-up included; for pandoc's pair, both processes one after
the other), repeated --repeat times (default 5); the median is reported, with the CPU seconds (user + system of
the process and every child it waited for). Every exporter run writes into a fresh folder.

The conditions, the same for both tools:

* the venv's ``bin`` first on PATH, so pandoc's ``--pdf-engine=weasyprint`` runs the venv's WeasyPrint;
* pandoc runs in the page's folder, so its relative images resolve (exporter resolves them from the page);
* no network time: the page names remote images, which pandoc (and WeasyPrint under it) try to fetch;
  ``http_proxy``/``https_proxy`` point at a closed local port, so each fetch is refused at once (no DNS lookup);
* Python's bytecode cache on, in the work folder (``PYTHONPYCACHEPREFIX``), as an installed package has it; one
  untimed warm-up run of each command first (it fills the cache and the OS's file cache). An environment with
  ``PYTHONDONTWRITEBYTECODE=1`` would make every exporter run compile its own modules again (~0.2 s).

Writes only under --workdir (default output/bench-single); needs pandoc on PATH; no network.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PAGE = ROOT / "fixtures" / "theme-page.html"
CLOSED_PROXY = "http://127.0.0.1:9"
"""The discard port, closed: a fetch through this proxy is refused at once."""
AIMS = {"epub": 2.0, "both": 0.8}
"""Exporter's median time over pandoc's, at most: EPUB only, and EPUB + PDF (issue 13)."""


@dataclass
class Run:
    """One timed measurement: wall and CPU seconds, the largest process's peak RSS (MB), success."""

    wall: float
    cpu: float
    max_rss_mb: float
    ok: bool
    log: str = ""


def run(cmds: list[list[str]], *, cwd: Path, env: dict[str, str]) -> Run:
    """Run ``cmds`` one after another; the wall clock around all, their CPU seconds and peak RSS (wait4)."""
    wall = cpu = rss = 0.0
    ok, log = True, ""
    for cmd in cmds:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        assert proc.stdout is not None
        out = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
        wall += time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        cpu += usage.ru_utime + usage.ru_stime
        rss = max(rss, usage.ru_maxrss / 1024)
        if proc.returncode != 0:
            ok, log = False, out.decode("utf-8", "replace")[-2000:]
    return Run(wall, cpu, rss, ok, log)


def exporter_cmd() -> list[str]:
    """The installed console script next to this Python, as a user runs it."""
    script = Path(sys.executable).parent / "exporter"
    return [str(script)] if script.exists() else [sys.executable, "-m", "exporter"]


def environment(workdir: Path) -> dict[str, str]:
    """The environment of every measured process (see the module's docstring)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(workdir / "pycache")
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        env[name] = CLOSED_PROXY
    for name in ("no_proxy", "NO_PROXY"):
        env.pop(name, None)
    return env


class Bench:
    """The four measurements on one page, each a list of commands and a check of what they wrote."""

    def __init__(self, page: Path, workdir: Path) -> None:
        self.page = page
        self.workdir = workdir
        self.env = environment(workdir)
        self.count = 0

    def exporter(self, formats: tuple[str, ...]) -> Run:
        """One exporter run into a fresh folder; fails unless it wrote exactly the books asked for."""
        self.count += 1
        out = self.workdir / f"exporter-{self.count}"
        shutil.rmtree(out, ignore_errors=True)
        args = [arg for fmt in formats for arg in ("-f", fmt)] if formats != ("epub", "pdf") else []
        result = run([[*exporter_cmd(), "export", str(self.page), *args, "-o", str(out), "-q"]], cwd=ROOT, env=self.env)
        books = sorted(p.suffix for p in out.glob("*") if p.suffix in (".epub", ".pdf"))
        if books != sorted(f".{fmt}" for fmt in formats):
            result.ok, result.log = False, result.log or f"wrote {books}, expected {formats}"
        shutil.rmtree(out, ignore_errors=True)
        return result

    def pandoc(self, formats: tuple[str, ...]) -> Run:
        """pandoc once per format, in the page's folder; fails unless each book is written."""
        out = self.workdir / "pandoc"
        out.mkdir(parents=True, exist_ok=True)
        cmds = []
        for fmt in formats:
            target = out / f"x.{fmt}"
            target.unlink(missing_ok=True)
            extra = ["--pdf-engine=weasyprint"] if fmt == "pdf" else []
            cmds.append(["pandoc", self.page.name, "-o", str(target), *extra])
        result = run(cmds, cwd=self.page.parent, env=self.env)
        missing = [fmt for fmt in formats if not (out / f"x.{fmt}").is_file()]
        if missing:
            result.ok, result.log = False, result.log or f"pandoc wrote no {missing}"
        return result


MEASURES = {
    "exporter-epub": lambda b: b.exporter(("epub",)),
    "pandoc-epub": lambda b: b.pandoc(("epub",)),
    "exporter-both": lambda b: b.exporter(("epub", "pdf")),
    "pandoc-both": lambda b: b.pandoc(("epub", "pdf")),
}


def main(argv: list[str] | None = None) -> int:
    """Run the bench; print the table; exit 1 when a run failed (the figures would mean nothing)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs of each measurement (median reported)")
    parser.add_argument("--page", type=Path, default=DEFAULT_PAGE, help="the saved page (default: the theme page)")
    parser.add_argument("--workdir", type=Path, default=ROOT / "output" / "bench-single")
    args = parser.parse_args(argv)
    if shutil.which("pandoc") is None:
        print("pandoc not found on PATH (Debian's pandoc package)", file=sys.stderr)
        return 2
    workdir = args.workdir.resolve()
    if not (workdir.is_relative_to(ROOT / "output") or workdir.is_relative_to("/tmp")):
        print("--workdir must be under output/ or /tmp", file=sys.stderr)
        return 2
    workdir.mkdir(parents=True, exist_ok=True)
    bench = Bench(args.page.resolve(), workdir)
    names = list(MEASURES)
    load_before = os.getloadavg()
    for name in names:  # warm-up, untimed: bytecode cache, OS file cache, fontconfig cache
        warm = MEASURES[name](bench)
        if not warm.ok:
            print(f"{name} failed:\n{warm.log}", file=sys.stderr)
            return 1
    runs: dict[str, list[Run]] = {name: [] for name in names}
    for round_ in range(args.repeat):
        order = names if round_ % 2 == 0 else names[::-1]
        for name in order:
            result = MEASURES[name](bench)
            if not result.ok:
                print(f"{name} failed:\n{result.log}", file=sys.stderr)
                return 1
            runs[name].append(result)
    load_after = os.getloadavg()
    wall = {name: statistics.median(r.wall for r in rs) for name, rs in runs.items()}
    cpu = {name: statistics.median(r.cpu for r in rs) for name, rs in runs.items()}
    rss = {name: max(r.max_rss_mb for r in rs) for name, rs in runs.items()}
    ratios = {kind: wall[f"exporter-{kind}"] / wall[f"pandoc-{kind}"] for kind in AIMS}
    print(f"page: {bench.page.relative_to(ROOT) if bench.page.is_relative_to(ROOT) else bench.page}")
    print(
        f"median of {args.repeat} alternated runs, whole process; load average {load_before[0]:.2f} before, "
        f"{load_after[0]:.2f} after ({os.cpu_count()} CPUs)"
    )
    print()
    print("| formats | exporter wall s | pandoc wall s | exporter / pandoc | aim | exporter CPU s | pandoc CPU s |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for kind, label in (("epub", "EPUB"), ("both", "EPUB + PDF")):
        e, p = f"exporter-{kind}", f"pandoc-{kind}"
        verdict = "met" if ratios[kind] <= AIMS[kind] else "missed"
        print(
            f"| {label} | {wall[e]:.2f} | {wall[p]:.2f} | {ratios[kind]:.2f}x | <= {AIMS[kind]}x ({verdict}) "
            f"| {cpu[e]:.2f} | {cpu[p]:.2f} |"
        )
    if max(load_before[0], load_after[0]) > (os.cpu_count() or 1):
        print("\nwarning: the load average exceeded the CPU count: wall-clock figures reflect the other load")
    results = {
        "page": str(bench.page),
        "repeat": args.repeat,
        "load": [load_before, load_after],
        "median_wall": wall,
        "median_cpu": cpu,
        "max_rss_mb": rss,
        "ratios": ratios,
        "runs": {name: [asdict(r) | {"log": ""} for r in rs] for name, rs in runs.items()},
    }
    (workdir / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
