"""Scale bench: exporter on thousands of distinct articles with -j 1, -j 2 and a Dask LocalCluster of 2 workers.

Run from the project root:  .venv/bin/python bench/scale_bench.py [--sizes 500,2000] [--repeat N]

Builds a corpus of distinct articles (bench/corpus.py ``build_varied``) under output/scale (or --workdir), the
smaller sizes as the first pages of the largest (hard links). At each size it exports the corpus (EPUB + PDF,
fresh output folder each time) with ``-j 1``, ``-j 2`` and ``--scheduler local:2`` (skipped, and said so, while
``exporter export --help`` has no --scheduler), in one run, order alternating between repeats. For each run: wall
clock and CPU time of the whole process tree, the peak RSS and PSS of the client and of each worker process (each
process's own, sampled from /proc), how much each grew over the run, and the articles finished over time (books
counted in the output folder every second). Then pandoc per article on a sample of the largest corpus. Writes
only under the work folder; needs no network. See bench/README.md ("Scale bench").
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus as corpus_mod  # bench/ is not a package: its folder is on sys.path above
from run_bench import (
    ROOT,
    PandocRun,
    ProcessPeak,
    Sampler,
    TreeMonitor,
    exporter_cmd,
    jobs_option,
    median,
    print_origins,
    read_manifest,
    run_pandoc,
    timed,
)

MB = 2**20
MODES = ("j1", "j2", "dask")
WORKER = "worker|child of worker"
"""The roles of a worker's processes: a -j worker, a Dask worker process and the child it renders in."""
AIMS = {"j2_over_j1": 1.8, "dask_over_j2": 0.9, "client_mb": 400, "worker_mb": 300, "drift": 0.10, "pandoc": 5.0}


# --- options and corpus ----------------------------------------------------------------------------------


def has_scheduler() -> bool:
    """True when `exporter export --help` offers --scheduler (the Dask backend)."""
    out = subprocess.run([*exporter_cmd(), "export", "--help"], capture_output=True, text=True, cwd=ROOT).stdout
    return "--scheduler" in out


def mode_args(mode: str, flag: str) -> list[str]:
    """The options of one mode: -j 1, -j 2, or a LocalCluster of 2 worker processes."""
    return {"j1": [flag, "1"], "j2": [flag, "2"], "dask": ["--scheduler", "local:2"]}[mode]


def mode_name(mode: str) -> str:
    """How the report names a mode."""
    return {"j1": "-j 1", "j2": "-j 2", "dask": "--scheduler local:2"}[mode]


def subset(big: corpus_mod.Corpus, folder: Path, size: int) -> list[Path]:
    """The first ``size`` pages of ``big`` (and its images) as hard links in ``folder``."""
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "images").mkdir(parents=True)
    for image in (big.folder / "images").iterdir():
        os.link(image, folder / "images" / image.name)
    pages = []
    for page in big.pages[:size]:
        os.link(page, folder / page.name)
        pages.append(folder / page.name)
    return pages


# --- one run ----------------------------------------------------------------------------------------------


class Progress(Sampler):
    """Counts the EPUBs in the output folder every half second in a thread: (seconds, books) points."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.points: list[tuple[float, int]] = []
        super().__init__()

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            try:
                count = sum(1 for e in os.scandir(self.out) if e.name.endswith(".epub"))
            except OSError:
                count = 0
            self.points.append((round(time.perf_counter() - self._start, 2), count))

    def at(self, books: float) -> float | None:
        """Seconds until at least ``books`` EPUBs were there; None when never seen."""
        return next((t for t, c in self.points if c >= books), None)


@dataclass
class Proc:
    """One process of a run, summed up: its role, its own peaks, its growth, and its group's peak (MB)."""

    role: str
    pid: int
    cmdline: str
    seconds: float
    cpu_s: float
    """Its own user + system CPU seconds (not its children's)."""
    rss_mb: float
    pss_mb: float
    group_rss_mb: float
    group_pss_mb: float
    growth_pss_mb: float
    """PSS at the end of its life minus PSS at a fifth of it (a worker that keeps memory per item grows)."""
    pss_quarters: list[float]
    """PSS (MB) at a quarter, half, three quarters and the end of its life."""
    series: list[tuple[float, float, float]]
    """(seconds since the run started, RSS MB, PSS MB), at most 200 points."""


@dataclass
class ScaleRun:
    mode: str
    size: int
    wall: float
    cpu: float
    tree_rss_mb: float
    tree_pss_mb: float
    ok: int
    failed: int
    procs: list[Proc]
    progress: list[tuple[float, int]]
    load: tuple[float, float]
    digests: dict[str, str] = field(repr=False, default_factory=dict)

    @property
    def per_article(self) -> float:
        return self.wall / self.size

    def role_peak(self, prefix: str, what: str) -> float:
        """The largest ``what`` (rss_mb, pss_mb, group_pss_mb…) of the processes whose role starts with a prefix
        (several prefixes separated by '|')."""
        prefixes = tuple(prefix.split("|"))
        return max((getattr(p, what) for p in self.procs if p.role.startswith(prefixes)), default=0.0)

    def first_last(self) -> tuple[float | None, float | None]:
        """Seconds until the first book and until the last one (the rest is the client's reading and catalog)."""
        first = next((t for t, c in self.progress if c >= 1), None)
        last = next((t for t, c in self.progress if c >= self.ok), None) if self.ok else None
        return first, last

    def steady_rates(self) -> tuple[float, float] | None:
        """Articles/s from 10% to 50% of the books, and from 50% to 90%: flat when nothing grows per item."""
        prog = Progress(Path())
        prog.points = self.progress
        marks = [prog.at(self.ok * f) for f in (0.1, 0.5, 0.9)]
        if None in marks or self.ok < 20:
            return None
        a, b, c = (m for m in marks if m is not None)
        if b <= a or c <= b:
            return None
        return self.ok * 0.4 / (b - a), self.ok * 0.4 / (c - b)


def _growth(proc: ProcessPeak) -> float:
    """PSS (MB) at the end of a process's life minus at a fifth of it."""
    if len(proc.series) < 3:
        return 0.0
    life = proc.series[-1][0] - proc.series[0][0]
    early = next(s for s in proc.series if s[0] - proc.series[0][0] >= life / 5)
    late = max(s[2] for s in proc.series[-3:])
    return (late - early[2]) / MB


def _quarters(proc: ProcessPeak) -> list[float]:
    """PSS (MB) at a quarter, a half, three quarters and the end of a process's life."""
    if not proc.series:
        return []
    start, life = proc.series[0][0], proc.series[-1][0] - proc.series[0][0]
    return [next(s[2] for s in proc.series if s[0] - start >= life * q - 1e-9) / MB for q in (0.25, 0.5, 0.75, 1.0)]


def _sparse(proc: ProcessPeak) -> list[tuple[float, float, float]]:
    """A process's memory series in MB, at most 200 points."""
    step = max(1, len(proc.series) // 200)
    return [(t, round(rss / MB, 1), round(pss / MB, 1)) for t, rss, pss in proc.series[::step]]


def roles(mon: TreeMonitor) -> list[Proc]:
    """Every process of the tree with a role: client, worker N, child of worker N, or a helper process."""
    out: list[Proc] = []
    tops: dict[int, str] = {}
    workers = 0
    for proc in sorted(mon.processes.values(), key=lambda p: (p.first_seen, p.pid)):
        cmd = proc.cmdline
        if proc.pid == mon.pid:
            role = "client"
        elif "resource_tracker" in cmd:
            role = "resource tracker"
        elif "forkserver" in cmd:
            role = "forkserver"
        elif proc.top == proc.pid:
            workers += 1
            role = f"worker {workers}"
        else:
            role = f"child of {tops.get(proc.top, 'a helper')}"
        if proc.top == proc.pid:
            tops[proc.pid] = role
        group = proc.pid if proc.top == proc.pid else None
        out.append(
            Proc(
                role,
                proc.pid,
                cmd[:160],
                round(proc.last_seen - proc.first_seen, 1),
                round(proc.cpu, 2),
                proc.peak_rss / MB,
                proc.peak_pss / MB,
                mon.group_peak_rss.get(group, proc.peak_rss) / MB if group else proc.peak_rss / MB,
                mon.group_peak_pss.get(group, proc.peak_pss) / MB if group else proc.peak_pss / MB,
                _growth(proc),
                _quarters(proc),
                _sparse(proc),
            )
        )
    return out


def run_mode(
    mode: str, size: int, folder: Path, out: Path, flag: str, env: dict[str, str], every: float, keep: bool
) -> ScaleRun:
    """One export of the corpus ``folder`` into a fresh ``out`` (EPUB + PDF) in the given mode; unless ``keep``,
    the books are then deleted and the manifest kept beside the folder (``OUT.manifest.json``)."""
    if out.exists():
        shutil.rmtree(out)
    cmd = [*exporter_cmd(), "export", str(folder), "-o", str(out), "-q", *mode_args(mode, flag)]
    before = os.getloadavg()[0]
    with Progress(out) as prog:
        t = timed(cmd, env=env, every=every)
    ok, failed, digests = read_manifest(out, t)
    if not keep:  # 2,000 articles' books and covers take ~700 MB per run: keep the manifest only
        shutil.copyfile(out / "manifest.json", out.with_name(f"{out.name}.manifest.json"))
        shutil.rmtree(out)
    assert t.monitor is not None
    return ScaleRun(
        mode,
        size,
        t.wall,
        max(t.cpu, sum(p.cpu for p in t.monitor.processes.values())),
        t.rss_mb,
        t.pss_mb,
        ok,
        failed,
        roles(t.monitor),
        prog.points,
        (before, os.getloadavg()[0]),
        digests,
    )


# --- report -----------------------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def report(runs: dict[tuple[int, str], list[ScaleRun]], sizes: list[int], modes: list[str], pandoc: PandocRun) -> dict:
    """Print the tables and the aims; return the summary for results.json."""

    def med(size: int, mode: str, what: str) -> float:
        values = [getattr(r, what) if not callable(getattr(r, what)) else getattr(r, what)() for r in runs[size, mode]]
        return median(values)

    def peak(size: int, mode: str, prefix: str, what: str) -> float:
        return median([r.role_peak(prefix, what) for r in runs[size, mode]])

    print(
        "| run | articles | wall s | articles/s | s/article | CPU s/article | client peak RSS / PSS MB |"
        " largest worker process RSS / PSS MB | worker + its children PSS MB | tree RSS / PSS MB | failed |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for size in sizes:
        for mode in modes:
            if (size, mode) not in runs:
                continue
            wall = med(size, mode, "wall")
            print(
                f"| exporter {mode_name(mode)} | {size} | {wall:.1f} | {size / wall:.2f} | {wall / size:.3f} |"
                f" {med(size, mode, 'cpu') / size:.3f} |"
                f" {peak(size, mode, 'client', 'rss_mb'):.0f} / {peak(size, mode, 'client', 'pss_mb'):.0f} |"
                f" {peak(size, mode, WORKER, 'rss_mb'):.0f} / {peak(size, mode, WORKER, 'pss_mb'):.0f} |"
                f" {peak(size, mode, 'worker', 'group_pss_mb'):.0f} |"
                f" {med(size, mode, 'tree_rss_mb'):.0f} / {med(size, mode, 'tree_pss_mb'):.0f} |"
                f" {max(r.failed for r in runs[size, mode])} |"
            )
    p_rate = pandoc.sampled / pandoc.wall
    print(
        f"| pandoc per article (EPUB + PDF) | {pandoc.sampled} of {sizes[-1]} | {pandoc.wall:.1f} | {p_rate:.2f} |"
        f" {pandoc.wall / pandoc.sampled:.3f} | {pandoc.cpu / pandoc.sampled:.3f} | {pandoc.rss_mb:.0f} /"
        f" {pandoc.pss_mb:.0f} (largest run) | | | | {pandoc.failed} |"
    )

    print()
    print("Processes of the last run at each size (own peak RSS/PSS; PSS at each quarter of the process's life):")
    for size in sizes:
        for mode in modes:
            if (size, mode) not in runs:
                continue
            run = runs[size, mode][-1]
            parts = [
                f"{p.role} {p.rss_mb:.0f}/{p.pss_mb:.0f} MB, CPU {p.cpu_s:.1f} s"
                f" (PSS by quarter of its {p.seconds:.0f} s:"
                f" {' '.join(f'{q:.0f}' for q in p.pss_quarters)})"
                for p in run.procs
                if p.seconds > 0 or p.role == "client"
            ]
            rates = run.steady_rates()
            steady = f"; articles/s 10-50%: {rates[0]:.2f}, 50-90%: {rates[1]:.2f}" if rates else ""
            first, last = run.first_last()
            if first is not None and last is not None:
                steady += f"; first book at {first:.1f} s, last at {last:.1f} s, exit at {run.wall:.1f} s"
            print(f"- {mode_name(mode)} at {size}: " + "; ".join(parts) + steady)

    big = sizes[-1]
    summary: dict[str, object] = {}
    print()
    print(f"Aims (at {big} articles unless said):")
    for aim, label, slower, faster in (
        ("j2_over_j1", "-j 2 / -j 1", "j1", "j2"),
        ("dask_over_j2", "Dask 2 workers / -j 2", "j2", "dask"),
    ):
        if (big, slower) in runs and (big, faster) in runs:
            ratio = med(big, slower, "wall") / med(big, faster, "wall")
            summary[aim] = ratio
            print(f"- {label} throughput: {ratio:.2f}x (aim >= {AIMS[aim]}x): {verdict(ratio >= AIMS[aim])}")
    for mode in modes:
        if (big, mode) not in runs:
            continue
        c_rss, c_pss = peak(big, mode, "client", "rss_mb"), peak(big, mode, "client", "pss_mb")
        w_rss, w_pss = peak(big, mode, WORKER, "rss_mb"), peak(big, mode, WORKER, "pss_mb")
        g_pss = peak(big, mode, "worker", "group_pss_mb")
        summary[f"memory_{mode}"] = {
            "client_rss": c_rss,
            "client_pss": c_pss,
            "worker_rss": w_rss,
            "worker_pss": w_pss,
            "worker_group_pss": g_pss,
        }
        print(
            f"- {mode_name(mode)}: client peak {c_rss:.0f} MB RSS / {c_pss:.0f} MB PSS (aim <= 400):"
            f" {verdict(c_rss <= AIMS['client_mb'])}; largest worker process {w_rss:.0f} MB RSS / {w_pss:.0f} MB"
            f" PSS, a worker with its children {g_pss:.0f} MB PSS (aim <= 300): RSS"
            f" {verdict(w_rss <= AIMS['worker_mb'])}, PSS {verdict(w_pss <= AIMS['worker_mb'])}, with children"
            f" {verdict(g_pss <= AIMS['worker_mb'])}"
        )
    small = sizes[0]
    if small != big:
        for mode in modes:
            if (small, mode) not in runs or (big, mode) not in runs:
                continue
            a, b = med(small, mode, "wall") / small, med(big, mode, "wall") / big
            drift = b / a - 1
            cpu_a, cpu_b = med(small, mode, "cpu") / small, med(big, mode, "cpu") / big
            summary[f"drift_{mode}"] = drift
            summary[f"cpu_drift_{mode}"] = cpu_b / cpu_a - 1
            print(
                f"- {mode_name(mode)} s/article at {big} vs at {small}: {b:.3f} vs {a:.3f} ({drift:+.1%};"
                f" aim within 10%): {verdict(abs(drift) <= AIMS['drift'])}; CPU s/article {cpu_b:.3f} vs"
                f" {cpu_a:.3f} ({cpu_b / cpu_a - 1:+.1%}, what the load of other processes does not change)"
            )
    best = max((m for m in modes if (big, m) in runs), key=lambda m: big / med(big, m, "wall"))
    over = big / med(big, best, "wall") / p_rate
    summary["exporter_over_pandoc"] = over
    print(
        f"- exporter {mode_name(best)} over pandoc per article: {over:.1f}x (aim >= 5x):"
        f" {verdict(over >= AIMS['pandoc'])}"
    )
    for size in sizes:
        done = [m for m in modes if (size, m) in runs]
        same = all(r.digests == runs[size, done[0]][0].digests for m in done for r in runs[size, m])
        summary[f"identical_{size}"] = same
        print(f"- outputs byte-identical across modes and repeats at {size}: {'yes' if same else 'NO'}")
    return summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="500,2000", help="corpus sizes, comma separated (default 500,2000)")
    ap.add_argument("--modes", default=",".join(MODES), help="of j1,j2,dask (default all three)")
    ap.add_argument("--repeat", type=int, default=1, help="repeat each run N times; medians are reported")
    ap.add_argument("--pandoc-pages", type=int, default=25, help="pandoc on this many pages, evenly spread")
    ap.add_argument("--every", type=float, default=0.2, help="memory sampling interval in seconds (default 0.2)")
    ap.add_argument("--keep-books", action="store_true", help="keep each run's books (default: manifests only)")
    ap.add_argument("--workdir", type=Path, default=ROOT / "output" / "scale", help="default output/scale")
    args = ap.parse_args(argv)
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    modes = [m for m in MODES if m in args.modes.split(",")]
    if not sizes or sizes[0] < 1 or not modes or args.repeat < 1:
        ap.error("--sizes, --modes and --repeat need at least one valid value")
    if shutil.which("pandoc") is None:
        ap.error("pandoc is not installed (Debian: apt-get install pandoc)")
    work = args.workdir.resolve()
    if not (work.is_relative_to(ROOT / "output") or work.is_relative_to(Path("/tmp"))):
        ap.error("--workdir must be under output/ or /tmp")
    flag = jobs_option()
    if flag is None:
        ap.error("`exporter export --help` offers no -j option")
    if "dask" in modes and not has_scheduler():
        print("note: `exporter export --help` has no --scheduler yet: the Dask run is skipped", file=sys.stderr)
        modes.remove("dask")

    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"  # the venv's weasyprint
    t0 = time.perf_counter()
    big = corpus_mod.build_varied(work / f"corpus-{sizes[-1]}", sizes[-1])
    folders = {sizes[-1]: (big.folder, big.pages)}
    for size in sizes[:-1]:
        folder = work / f"corpus-{size}"
        folders[size] = (folder, subset(big, folder, size))
    print(
        f"corpus: {len(big.pages)} pages, {big.distinct} distinct, in {big.folder} (built in"
        f" {time.perf_counter() - t0:.1f} s); smaller sizes are its first pages",
        file=sys.stderr,
    )
    print_origins(big)
    if big.distinct < len(big.pages):
        print(f"warning: {len(big.pages) - big.distinct} pages repeat another", file=sys.stderr)

    runs: dict[tuple[int, str], list[ScaleRun]] = {}
    for size in sizes:
        folder, _ = folders[size]
        for r in range(1, args.repeat + 1):
            for mode in modes if r % 2 else modes[::-1]:
                print(f"[{size} articles, {r}/{args.repeat}] exporter {mode_name(mode)} ...", file=sys.stderr)
                run = run_mode(mode, size, folder, work / f"out-{size}-{mode}", flag, env, args.every, args.keep_books)
                runs.setdefault((size, mode), []).append(run)
                print(
                    f"    {run.wall:.1f} s, {run.ok} ok, {run.failed} failed,"
                    f" client {run.role_peak('client', 'rss_mb'):.0f} MB RSS,"
                    f" largest worker {run.role_peak(WORKER, 'rss_mb'):.0f} MB RSS"
                    f" / {run.role_peak(WORKER, 'pss_mb'):.0f} MB PSS, load {run.load[0]:.1f} -> {run.load[1]:.1f}",
                    file=sys.stderr,
                )
    step = max(1, len(big.pages) // max(1, args.pandoc_pages))
    picked = big.pages[::step][: args.pandoc_pages]
    print(f"pandoc on {len(picked)} of {len(big.pages)} pages ...", file=sys.stderr)
    pandoc = run_pandoc(picked, work / "pandoc", env)

    print()
    print(
        f"Scale bench: distinct articles, EPUB + PDF each; sizes {', '.join(map(str, sizes))}; median of"
        f" {args.repeat} run(s); {os.cpu_count()} CPUs"
    )
    print()
    summary = report(runs, sizes, modes, pandoc)
    loads = [x for rs in runs.values() for r in rs for x in r.load]
    cpus = os.cpu_count() or 1
    if loads and max(loads) > cpus:
        print(
            f"warning: the machine was busy (load average up to {max(loads):.1f} on {cpus} CPUs): wall-clock"
            " figures and their ratios depend on the other load; CPU s/article does not."
        )
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT)
    results = {
        "commit": commit.stdout.strip(),
        "loadavg": loads,
        "sizes": sizes,
        "modes": modes,
        "repeat": args.repeat,
        "corpus": {"pages": len(big.pages), "distinct": big.distinct, "origins": big.origins},
        "summary": summary,
        "runs": {
            f"{size}:{mode}": [{k: v for k, v in asdict(r).items() if k != "digests"} for r in rs]
            for (size, mode), rs in runs.items()
        },
        "pandoc": asdict(pandoc),
        "pandoc_sample": [p.name for p in picked],
    }
    (work / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"(raw numbers, with each process's memory over time and the books done per second: {work / 'results.json'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
