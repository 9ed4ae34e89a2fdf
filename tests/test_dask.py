"""The Dask backend (``--scheduler``): real clusters, the same books and manifest as ``-j 1``, workers that never
open the inputs, a worker killed mid-run, an item that hangs.

Each test starts real processes: a ``LocalCluster`` through ``--scheduler local:2``, or a ``dask scheduler`` and
``dask worker`` processes on 127.0.0.1 (tests/dask_cluster.py)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from exporter.item_resources import PreparedResolver
from exporter.pipeline import Options, Task, clean_raw, named_raw
from exporter.remote_item import gather_missed, remote_task, render_remote
from tests.dask_cluster import Cluster, can_drop_to_nobody, cluster_home
from tests.tools import run_cli

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
WXR = FIXTURES / "collection.wxr.xml"
MEDIA = FIXTURES / "collection-media"


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (the manifest included) by its relative path, as SHA-256."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def export(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    proc = run_cli("export", *args, "-q", cwd=cwd)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The whole fixtures folder (saved pages, text dumps, the WXR collection, the web archive) copied, and its
    ``-j 1`` export: what every Dask run must equal byte for byte."""
    base = tmp_path_factory.mktemp("dask-ref")
    inputs = base / "in"
    shutil.copytree(FIXTURES, inputs)
    out = base / "out-j1"
    proc = export("in", "--media", "in/collection-media", "-o", out, "-j", "1", cwd=base)
    assert proc.returncode == 0, proc.stderr
    return inputs, out


def test_local_cluster_matches_one_worker_byte_for_byte(reference: tuple[Path, Path]) -> None:
    inputs, expected = reference
    out = expected.parent / "out-local2"
    proc = export("in", "--media", "in/collection-media", "-o", out, "--scheduler", "local:2", cwd=inputs.parent)
    assert proc.returncode == 0, proc.stderr
    assert tree_digest(out) == tree_digest(expected)
    assert len([p for p in out.glob("*.epub")]) == 24


def test_separate_cluster_never_opens_the_inputs(reference: tuple[Path, Path], tmp_path: Path) -> None:
    """A scheduler and two workers of their own, in a folder of their own; as ``nobody`` when the tests run as
    root (the input folder is then unreadable to them), and always with an audit hook logging any file they
    open under the inputs or the output folder."""
    inputs, expected = reference
    private = tmp_path / "private"
    shutil.copytree(inputs, private / "in")
    private.chmod(0o700)  # only root (the client) can enter
    out = tmp_path / "out"
    cluster = Cluster(cluster_home(), forbidden=[private, out, inputs], nobody=can_drop_to_nobody())
    probe = subprocess.run(  # the audit hook works: it logs a forbidden open in a process with its environment
        [sys.executable, "-c", f"open({str(inputs / 'harbour-archive.txt')!r}).close()"],
        env=cluster.env(),
        cwd=tmp_path,
    )
    assert probe.returncode == 0 and any("harbour-archive.txt" in line for line in cluster.opened())
    cluster.open_log.unlink()
    try:
        cluster.start(2, nanny=False)
        if cluster.nobody:
            denied = subprocess.run(  # the workers' user cannot read the input folder
                ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "ls", str(private / "in")],
                capture_output=True,
            )
            assert denied.returncode != 0
        # the client runs where the reference ran from (its inputs are "in/..." in both manifests)
        proc = export("in", "--media", "in/collection-media", "-o", out, "--scheduler", cluster.address, cwd=private)
        assert proc.returncode == 0, proc.stderr
    finally:
        cluster.close()
    assert cluster.opened() == []
    # the books are the same bytes, and so are the manifest's items; a text file's item is named by its absolute
    # path (its identity), so the feeds and the reader's page, which derive ids from it, are not compared here
    catalog = ("manifest.json", "index.html", "opds/")
    got, want = tree_digest(out), tree_digest(expected)
    assert {k: v for k, v in got.items() if not k.startswith(catalog)} == {
        k: v for k, v in want.items() if not k.startswith(catalog)
    }
    items = (out / "manifest.json").read_text(encoding="utf-8").replace(str(private / "in"), "IN")
    reference_items = (expected / "manifest.json").read_text(encoding="utf-8").replace(str(inputs), "IN")
    assert json.loads(items)["items"] == json.loads(reference_items)["items"]


def make_articles(folder: Path, count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        paragraphs = "\n\n".join(
            f"Paragraph {k} of note {n}, about the harbour's ledger and its keepers." * 3 for k in range(40)
        )
        (folder / f"note-{n:02d}.txt").write_text(f"Harbour Note Number {n}\n\n{paragraphs}\n", encoding="utf-8")


def test_a_killed_worker_costs_a_retry_not_the_run(tmp_path: Path) -> None:
    src = tmp_path / "in"
    make_articles(src, 16)
    cluster = Cluster(cluster_home(), forbidden=[])
    out = tmp_path / "out"
    try:
        cluster.start(2, nanny=False)
        cmd = [sys.executable, "-m", "exporter", "export", str(src), "-o", str(out), "--scheduler", cluster.address]
        run = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        while len(list(out.glob("*.pdf"))) < 2:  # the run is under way: kill a worker in the middle of it
            assert time.monotonic() < deadline and run.poll() is None, run.stderr.read() if run.stderr else ""
            time.sleep(0.1)
        victim = cluster.workers[0]
        os.kill(victim.pid, signal.SIGKILL)
        _, stderr = run.communicate(timeout=300)
    finally:
        cluster.close()
    assert victim.wait() == -signal.SIGKILL
    assert run.returncode in (0, 1), stderr
    assert "Traceback" not in stderr
    items = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["items"]
    assert len(items) == 16
    assert all(i["status"] in ("ok", "error") for i in items)
    ok = [i for i in items if i["status"] == "ok"]
    assert len(ok) >= 14  # the killed worker's item is tried again on the other worker
    for item in ok:
        for output in item["outputs"]:
            data = (out / output["path"]).read_bytes()
            assert hashlib.sha256(data).hexdigest() == output["sha256"]
    assert not (out / ".exporter-tmp").exists()


def test_an_item_that_hangs_fails_alone(tmp_path: Path) -> None:
    src = tmp_path / "in"
    make_articles(src, 3)
    huge = "\n\n".join(f"Line {k} of a very long article that takes its time to lay out." for k in range(30000))
    (src / "slow.txt").write_text(f"A Layout That Takes Too Long\n\n{huge}\n", encoding="utf-8")
    out = tmp_path / "out"
    proc = export(src, "-o", out, "-f", "pdf", "--scheduler", "local:2", "--item-timeout", "8")
    assert proc.returncode == 1, proc.stderr
    items = {Path(i["source"]["path"]).name: i for i in json.loads((out / "manifest.json").read_text())["items"]}
    assert items["slow.txt"]["status"] == "error"
    assert "item timeout of 8 s" in items["slow.txt"]["error"]
    assert [n for n, i in items.items() if i["status"] == "ok"] == ["note-00.txt", "note-01.txt", "note-02.txt"]
    assert proc.stderr.splitlines()[-1].startswith("3 exported, 1 failed; output in ")


def test_unreachable_scheduler_is_a_one_line_usage_error(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = run_cli("export", FIXTURES / "harbour-archive.txt", "-o", out, "--scheduler", "tcp://127.0.0.1:9")
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in proc.stderr
    assert not out.exists()
    proc = run_cli("export", FIXTURES / "harbour-archive.txt", "-o", out, "--scheduler", "my-cluster")
    assert proc.returncode == 2 and "give a Dask scheduler address (tcp://HOST:8786) or local:N" in proc.stderr
    assert not out.exists()


def test_prepared_resolver_gives_the_client_resolvers_answers(tmp_path: Path) -> None:
    """In process, no cluster: every collection article cleaned from the client's answers alone equals the article
    cleaned over the real folders; an address the answers lack sends the item back, then it is the same too."""
    options = Options(output_dir=tmp_path / "out", media_dir=MEDIA)
    checked = 0
    for raw, slug in named_raw([WXR], options):
        if slug is None:
            continue
        local = clean_raw(raw, options)
        remote = remote_task(Task(raw, slug, options), None)
        resolver = PreparedResolver(roots=[], resources=remote.resources)
        prepared = clean_raw(remote.raw, options, resolver)
        assert resolver.missed == []
        assert prepared.body == local.body and prepared.missing_images == local.missing_images
        assert [(i.key, i.read_bytes()) for i in local.images] == [
            (i.key, remote.resources.files[str(i.path)]) for i in prepared.images
        ]
        if local.images:  # forget the answers: the worker sends the item back with the addresses it lacked
            remote.resources.lookups.clear()
            first = render_remote(remote)
            assert first.missed and not first.files and first.result.error is None
            gather_missed(remote, raw, first.missed)
            for _ in range(3):
                again = render_remote(remote)
                if not again.missed:
                    break
                gather_missed(remote, raw, again.missed)
            assert not again.missed and set(again.files) == {"epub", "pdf", "cover", "thumbnail"}
            checked += 1
    assert checked >= 2
