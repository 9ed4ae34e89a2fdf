"""Throughput bench: exporter -j 1 and -j 2 against pandoc run per article, on the same HTML pages.

Run from the project root:  .venv/bin/python bench/run_bench.py [--repeat N] [--quick]

Builds the corpus (bench/corpus.py) under output/bench/corpus, exports it with ``exporter export`` at ``-j 1`` and
``-j 2`` (EPUB + PDF, each run into a fresh folder), then runs ``pandoc page.html -o x.epub`` and
``pandoc page.html -o x.pdf --pdf-engine=weasyprint`` per article on a deterministic sample of the same pages.
Wall clock is measured around each process; peak memory is the largest sum, over the process and all its
descendants, of RSS (and of PSS, which counts pages shared between forked workers once), sampled from /proc
every 50 ms. Each measurement is repeated --repeat times and the median reported. Writes only under
output/bench (or --workdir); needs no network.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Self

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus as corpus_mod  # bench/ is not a package: its folder is on sys.path above

ROOT = Path(__file__).resolve().parent.parent
PAGE = os.sysconf("SC_PAGE_SIZE")
SAMPLE_EVERY = 0.05


# --- process-tree memory -----------------------------------------------------------------------------------


def _parents() -> dict[int, int]:
    """pid → parent pid for every process we can see."""
    out: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2 :].split()
        out[int(entry.name)] = int(fields[1])
    return out


def _tree(root: int) -> list[int]:
    """The root and all its descendants."""
    return list(_tree_parents(root))


def _tree_parents(root: int) -> dict[int, int]:
    """The root and all its descendants, each with its parent's pid (the root's own parent for the root)."""
    parents = _parents()
    children: dict[int, list[int]] = {}
    for pid, ppid in parents.items():
        children.setdefault(ppid, []).append(pid)
    found: dict[int, int] = {}
    todo = [root]
    while todo:
        pid = todo.pop()
        found[pid] = parents.get(pid, 0)
        todo.extend(children.get(pid, []))
    return found


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu(pid: int) -> float:
    """User + system CPU seconds of one process so far (its own, not its children's); 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except OSError:
        return 0.0
    fields = stat[stat.rfind(b")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _cmdline(pid: int) -> str:
    """A process's command line, spaces between the arguments; '' when it is gone."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()
    except OSError:
        return ""


def _memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in bytes; (0, 0) when it is gone."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            rss = int(f.read().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0, 0
    pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    pss = int(line.split()[1]) * 1024
                    break
    except (OSError, ValueError):
        pss = rss
    return rss, pss


@dataclass
class ProcessPeak:
    """One process of a monitored tree: who it is, its own peak RSS and PSS (bytes), and a sparse series."""

    pid: int
    ppid: int
    top: int
    """The root's child this process descends from (itself for a child of the root; the root for the root)."""
    cmdline: str
    first_seen: float
    last_seen: float = 0.0
    peak_rss: int = 0
    peak_pss: int = 0
    cpu: float = 0.0
    """User + system CPU seconds, as last seen."""
    series: list[tuple[float, int, int]] = field(default_factory=list)
    """(seconds since the monitor started, RSS, PSS), at most one sample a second."""


class Sampler:
    """A thread running ``_run`` for the time of a ``with`` block; ``_start`` is when the block began and
    ``_stop`` is set when it ends."""

    def __init__(self) -> None:
        self._start = time.perf_counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        self._start = time.perf_counter()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


class TreeMonitor(Sampler):
    """Samples the RSS and PSS of a process tree every ``every`` seconds in a thread; keeps the peaks.

    ``peak_rss``/``peak_pss`` are the largest sums over the tree; ``processes`` keeps each process's own peaks
    (and a sparse series of its memory), ``group_peak_pss`` the largest PSS sum of each child of the root with
    its descendants (a worker and the processes it started).
    """

    def __init__(self, pid: int, every: float = SAMPLE_EVERY) -> None:
        self.pid = pid
        self.every = every
        self.peak_rss = 0
        self.peak_pss = 0
        self.max_procs = 0
        self.processes: dict[int, ProcessPeak] = {}
        self.group_peak_pss: dict[int, int] = {}
        self.group_peak_rss: dict[int, int] = {}
        super().__init__()

    def _top(self, pid: int, parents: dict[int, int]) -> int:
        """The root's child ``pid`` descends from; the root for the root."""
        while pid != self.pid and parents.get(pid, self.pid) != self.pid:
            pid = parents[pid]
        return pid

    def _run(self) -> None:
        while not self._stop.is_set():
            now = time.perf_counter() - self._start
            parents = _tree_parents(self.pid)
            mems = {p: _memory(p) for p in parents}
            self.peak_rss = max(self.peak_rss, sum(m[0] for m in mems.values()))
            self.peak_pss = max(self.peak_pss, sum(m[1] for m in mems.values()))
            self.max_procs = max(self.max_procs, sum(1 for m in mems.values() if m[0]))
            groups_rss: dict[int, int] = {}
            groups_pss: dict[int, int] = {}
            for pid, (rss, pss) in mems.items():
                if not rss:
                    continue
                proc = self.processes.get(pid)
                if proc is None:
                    proc = ProcessPeak(pid, parents[pid], self._top(pid, parents), _cmdline(pid), now)
                    self.processes[pid] = proc
                proc.last_seen = now
                proc.peak_rss = max(proc.peak_rss, rss)
                proc.peak_pss = max(proc.peak_pss, pss)
                proc.cpu = _cpu(pid) or proc.cpu
                if not proc.series or now - proc.series[-1][0] >= 1.0:
                    proc.series.append((round(now, 2), rss, pss))
                groups_rss[proc.top] = groups_rss.get(proc.top, 0) + rss
                groups_pss[proc.top] = groups_pss.get(proc.top, 0) + pss
            for top, pss in groups_pss.items():
                self.group_peak_pss[top] = max(self.group_peak_pss.get(top, 0), pss)
                self.group_peak_rss[top] = max(self.group_peak_rss.get(top, 0), groups_rss[top])
            self._stop.wait(self.every)


@dataclass
class Timed:
    """One process run: wall and CPU seconds, peak tree memory (MB), how many processes at most, exit code."""

    wall: float
    cpu: float
    rss_mb: float
    pss_mb: float
    procs: int
    rc: int
    log: str
    monitor: TreeMonitor | None = None
    """The memory monitor, with each process's own peaks (see TreeMonitor)."""


def timed(cmd: list[str], *, cwd: Path = ROOT, env: dict[str, str] | None = None, every: float = SAMPLE_EVERY) -> Timed:
    """Run ``cmd`` to completion, timing its wall clock and sampling its process tree's memory.

    CPU seconds (user + system) come from wait4's rusage: the process and every descendant it waited for. On a
    shared machine they do not depend on the load the way wall clock does.
    """
    with tempfile.TemporaryFile() as log:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        with TreeMonitor(proc.pid, every) as mon:
            _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        text = log.read().decode("utf-8", "replace")[-2000:]
    return Timed(
        wall,
        usage.ru_utime + usage.ru_stime,
        mon.peak_rss / 2**20,
        mon.peak_pss / 2**20,
        mon.max_procs,
        proc.returncode,
        text,
        mon,
    )


# --- the runs --------------------------------------------------------------------------------------------


def exporter_cmd() -> list[str]:
    """The installed console script next to this Python, as a user runs it."""
    script = Path(sys.executable).parent / "exporter"
    return [str(script)] if script.exists() else [sys.executable, "-m", "exporter"]


def jobs_option() -> str | None:
    """'-j' or '--jobs' when `exporter export --help` offers it, else None."""
    out = subprocess.run([*exporter_cmd(), "export", "--help"], capture_output=True, text=True, cwd=ROOT).stdout
    if re.search(r"(?m)^\s*-j\b", out) or re.search(r"(?<![\w-])-j[ ,]", out):
        return "-j"
    if "--jobs" in out:
        return "--jobs"
    if "--workers" in out:
        return "--workers"
    return None


@dataclass
class ExportRun:
    jobs: int
    wall: float
    cpu: float
    rss_mb: float
    pss_mb: float
    procs: int
    ok: int
    failed: int
    digests: dict[str, str]


def run_exporter(corpus: Path, out: Path, jobs: int, flag: str | None, env: dict[str, str]) -> ExportRun:
    """`exporter export CORPUS -o OUT -q [-j N]` (EPUB + PDF) into a fresh folder."""
    if out.exists():
        shutil.rmtree(out)
    cmd = [*exporter_cmd(), "export", str(corpus), "-o", str(out), "-q"]
    if flag:
        cmd += [flag, str(jobs)]
    t = timed(cmd, env=env)
    ok, failed, digests = read_manifest(out, t)
    return ExportRun(jobs, t.wall, t.cpu, t.rss_mb, t.pss_mb, t.procs, ok, failed, digests)


def read_manifest(out: Path, t: Timed) -> tuple[int, int, dict[str, str]]:
    """(items ok, items not ok, SHA-256 per source and format) of the run into ``out``; exits if it failed."""
    manifest = (
        json.loads((out / "manifest.json").read_text(encoding="utf-8")) if (out / "manifest.json").exists() else {}
    )
    items = manifest.get("items", [])
    ok = sum(1 for i in items if i.get("status") == "ok")
    if t.rc not in (0, 1) or not items:
        sys.exit(f"error: exporter run failed (exit {t.rc}):\n{t.log}")
    digests = {f"{i['source']['path']}:{o['format']}": o["sha256"] for i in items for o in i.get("outputs", [])}
    return ok, len(items) - ok, digests


@dataclass
class PandocRun:
    sampled: int
    wall: float
    cpu: float
    rss_mb: float
    pss_mb: float
    failed: int
    epub_s: float
    pdf_s: float


def run_pandoc(pages: list[Path], out: Path, env: dict[str, str]) -> PandocRun:
    """Per article, as a user would: `pandoc page.html -o x.epub`, then `-o x.pdf --pdf-engine=weasyprint`."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    wall = cpu = epub_s = pdf_s = rss = pss = 0.0
    failed = 0
    for page in pages:
        # Run in the page's folder so relative image paths resolve, as for a user working next to the file.
        epub = timed(["pandoc", page.name, "-o", str(out / f"{page.stem}.epub")], cwd=page.parent, env=env)
        pdf = timed(
            ["pandoc", page.name, "-o", str(out / f"{page.stem}.pdf"), "--pdf-engine=weasyprint"],
            cwd=page.parent,
            env=env,
        )
        epub_s += epub.wall
        pdf_s += pdf.wall
        wall += epub.wall + pdf.wall
        cpu += epub.cpu + pdf.cpu
        rss = max(rss, epub.rss_mb, pdf.rss_mb)
        pss = max(pss, epub.pss_mb, pdf.pss_mb)
        made = [out / f"{page.stem}.{ext}" for ext in ("epub", "pdf")]
        if epub.rc or pdf.rc or not all(f.exists() and f.stat().st_size > 0 for f in made):
            failed += 1
            print(f"  pandoc failed on {page.name}: {(epub.log if epub.rc else pdf.log)[-300:]}", file=sys.stderr)
    return PandocRun(len(pages), wall, cpu, rss, pss, failed, epub_s, pdf_s)


def sample(pages: list[Path], every: int, minimum: int) -> tuple[int, list[Path]]:
    """(step, pages): every ``every``-th page from the first, denser when that would give fewer than ``minimum``."""
    step = max(1, min(every, len(pages) // max(1, minimum)))
    return step, pages[::step]


# --- report ----------------------------------------------------------------------------------------------


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def print_origins(corpus: corpus_mod.Corpus) -> None:
    """How many pages each source gave, and the sources left out, on stderr."""
    for name, count in corpus.origins.items():
        print(f"  {count:4d} from {name}", file=sys.stderr)
    for failure in corpus.failed:
        print(f"  left out: {failure}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=1, help="repeat each measurement N times; medians are reported")
    ap.add_argument("--quick", action="store_true", help="smoke test: our fixtures only, pandoc on a few pages")
    ap.add_argument("--articles", type=int, default=100, help="corpus size at least (repeats fill up; default 100)")
    ap.add_argument("--pandoc-every", type=int, default=4, help="pandoc on every Nth page (default 4)")
    ap.add_argument("--pandoc-min", type=int, default=25, help="at least this many pandoc pages (default 25)")
    ap.add_argument("--workdir", type=Path, default=ROOT / "output" / "bench", help="default output/bench")
    args = ap.parse_args(argv)
    if args.repeat < 1:
        ap.error("--repeat must be at least 1")
    if shutil.which("pandoc") is None:
        ap.error("pandoc is not installed (Debian: apt-get install pandoc)")
    work = args.workdir.resolve()
    if not (work.is_relative_to(ROOT / "output") or work.is_relative_to(Path("/tmp"))):
        ap.error("--workdir must be under output/ or /tmp")
    target = 10 if args.quick else args.articles
    every, minimum = (2, 5) if args.quick else (args.pandoc_every, args.pandoc_min)

    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"  # the venv's weasyprint
    flag = jobs_option()
    job_counts = [1, 2] if flag else [1]

    t0 = time.perf_counter()
    corpus = corpus_mod.build(work / "corpus", target, quick=args.quick)
    build_s = time.perf_counter() - t0
    pages = corpus.pages
    step, picked = sample(pages, every, minimum)
    n = len(pages)
    print(
        f"corpus: {n} HTML pages in {corpus.folder} ({corpus.distinct} distinct articles + {corpus.repeats} repeats;"
        f" built in {build_s:.1f} s)",
        file=sys.stderr,
    )
    print_origins(corpus)
    if not flag:
        print(
            "note: `exporter export --help` has no -j option; measuring the default (one process) only", file=sys.stderr
        )

    load_before = os.getloadavg()
    exports: dict[int, list[ExportRun]] = {j: [] for j in job_counts}
    pandocs: list[PandocRun] = []
    for r in range(1, args.repeat + 1):
        for j in job_counts if r % 2 else job_counts[::-1]:  # alternate the order so drifting load hits both
            print(f"[{r}/{args.repeat}] exporter -j {j} ...", file=sys.stderr)
            exports[j].append(run_exporter(corpus.folder, work / f"exporter-j{j}", j, flag, env))
            e = exports[j][-1]
            print(
                f"    {e.wall:.1f} s, {e.ok} ok, {e.failed} failed, peak {e.rss_mb:.0f} MB RSS, {e.procs} processes",
                file=sys.stderr,
            )
        print(f"[{r}/{args.repeat}] pandoc on {len(picked)} of {n} pages ...", file=sys.stderr)
        pandocs.append(run_pandoc(picked, work / "pandoc", env))
        p = pandocs[-1]
        print(f"    {p.wall:.1f} s, {p.failed} failed, peak {p.rss_mb:.0f} MB RSS", file=sys.stderr)
    load_after = os.getloadavg()

    rows = []
    for j in job_counts:
        runs = exports[j]
        wall = median([e.wall for e in runs])
        rows.append(
            {
                "run": f"exporter -j {j}" if flag else "exporter (no -j)",
                "articles": str(n),
                "wall": wall,
                "rate": n / wall,
                "cpu_per_article": median([e.cpu for e in runs]) / n,
                "rss": median([e.rss_mb for e in runs]),
                "pss": median([e.pss_mb for e in runs]),
                "failed": max(e.failed for e in runs),
            }
        )
    p_rate = len(picked) / median([p.wall for p in pandocs])
    rows.append(
        {
            "run": "pandoc per article",
            "articles": f"{len(picked)} of {n}",
            "wall": median([p.wall for p in pandocs]),
            "rate": p_rate,
            "cpu_per_article": median([p.cpu for p in pandocs]) / len(picked),
            "rss": median([p.rss_mb for p in pandocs]),
            "pss": median([p.pss_mb for p in pandocs]),
            "failed": max(p.failed for p in pandocs),
        }
    )

    print()
    print(
        f"Bench: {n} articles ({corpus.distinct} distinct + {corpus.repeats} repeated), EPUB + PDF each;"
        f" median of {args.repeat} run(s); {os.cpu_count()} CPUs,"
        f" load {load_before[0]:.2f} before / {load_after[0]:.2f} after"
    )
    print()
    print("| run | articles | wall s | articles/s | CPU s/article | peak RSS MB (tree) | peak PSS MB (tree) | failed |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in rows:
        print(
            f"| {row['run']} | {row['articles']} | {row['wall']:.1f} | {row['rate']:.2f} |"
            f" {row['cpu_per_article']:.3f} | {row['rss']:.0f} | {row['pss']:.0f} | {row['failed']} |"
        )
    print()
    pe = median([p.epub_s for p in pandocs]) / len(picked)
    pp = median([p.pdf_s for p in pandocs]) / len(picked)
    print(
        f"pandoc ran on 1 page in {step} ({len(picked)} of {n}, from the first); its articles/s"
        f" is measured on that sample and extrapolates per article: {n} articles ≈ {n / p_rate:.0f} s"
        f" (per article {pe:.2f} s EPUB + {pp:.2f} s PDF). Pandoc's peak memory is the largest single run's tree."
    )
    summary: dict[str, object] = {}
    if len(job_counts) == 2:
        ratio = rows[1]["rate"] / rows[0]["rate"]
        same = all(a.digests == b.digests for a, b in zip(exports[1], exports[2], strict=True))
        print(f"-j 2 / -j 1 throughput: {ratio:.2f}x   (outputs byte-identical across -j: {'yes' if same else 'NO'})")
        summary.update({"j2_over_j1": ratio, "identical_across_j": same})
    best = rows[len(job_counts) - 1]
    over = best["rate"] / p_rate
    cpu_over = rows[-1]["cpu_per_article"] / rows[0]["cpu_per_article"]
    print(f"{best['run']} throughput / pandoc's: {over:.1f}x  (CPU s/article, pandoc / exporter -j 1: {cpu_over:.1f}x)")
    summary.update({"exporter_over_pandoc": over, "pandoc_cpu_over_exporter_cpu": cpu_over})
    cpus = os.cpu_count() or 1
    if max(load_before[0], load_after[0]) > cpus:
        print(
            f"warning: the machine was busy (load average {load_before[0]:.1f} / {load_after[0]:.1f} on {cpus} CPUs):"
            " wall-clock figures, the -j 2 / -j 1 ratio above all, depend on the other load; CPU s/article does not."
        )

    results = {
        "articles": n,
        "distinct": corpus.distinct,
        "repeats": corpus.repeats,
        "origins": corpus.origins,
        "repeat": args.repeat,
        "jobs_flag": flag,
        "rows": rows,
        "summary": summary,
        "exporter_runs": {
            str(j): [{k: v for k, v in asdict(e).items() if k != "digests"} for e in exports[j]] for j in exports
        },
        "pandoc_runs": [asdict(p) for p in pandocs],
        "pandoc_sample": [p.name for p in picked],
        "loadavg": [load_before, load_after],
    }
    (work / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"(raw numbers: {work / 'results.json'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
