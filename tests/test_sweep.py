"""Sweeps: expansion, bad blocks, workers, resume after kill -9, failures, time limits, Dask, figures."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import yaml
from conftest import TINY_OVERRIDES

from circuitsim.cli import main
from circuitsim.io import read_results
from circuitsim.sweep import build_sweep, load_sweep, read_index, run_sweep
from circuitsim.sweep.spec import point_seed


def _tiny_data(**sweep) -> dict:
    """The tiny numpy-target circuit without the VTA as a config mapping, with a sweep block."""
    from circuitsim.config.load import apply_override

    data: dict = {"protocol": {"epochs": [{"name": "baseline", "duration": "150 ms", "concentration": "0 uM"},
                                          {"name": "ketamine", "duration": "150 ms",
                                           "concentration": "0.8 uM"}],
                               "baseline_epoch": "baseline"}}
    for o in (*TINY_OVERRIDES, "circuit.vta.enabled=false"):  # the VTA is a third of a tiny run's cost
        apply_override(data, o)
    data["sweep"] = sweep
    return data


def _write(tmp_path: Path, data: dict, name: str = "sweep.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data))
    return path


GRID = {"grid": {"protocol.epochs.1.concentration": ["0.3 uM", "3 uM"], "seed": [1, 2]}}


# ------------------------------------------------------------------ expansion
def test_grid_zip_random_expand_and_seeds_follow_parameters():
    sw = build_sweep(_tiny_data(grid={"protocol.epochs.1.concentration": {"logspace": [0.05, 30], "num": 4,
                                                                           "unit": "uM"}},
                                zip={"circuit.e_to_i.p": [0.4, 0.5], "circuit.i_to_e.p": [0.5, 0.6]},
                                random={"count": 3, "keys": {"pharmacology.hill.hill_n": {"uniform": [1, 2]}}},
                                seed=11))
    assert len(sw.points) == 4 * 2 * 3
    assert len({p.name for p in sw.points}) == len(sw.points)
    assert sw.points[0].params["protocol.epochs.1.concentration"] == "0.05 uM"
    assert sw.points[-1].params["protocol.epochs.1.concentration"] == "30 uM"
    # seeds come from the sweep seed and the parameters, not the position
    for p in sw.points:
        assert p.seed == point_seed(11, p.params) == p.config.seed
    reordered = build_sweep(_tiny_data(grid={"protocol.epochs.1.concentration": ["30 uM", "0.05 uM"]}, seed=11))
    same = build_sweep(_tiny_data(grid={"protocol.epochs.1.concentration": ["0.05 uM", "30 uM"]}, seed=11))
    assert {p.name: p.seed for p in reordered.points} == {p.name: p.seed for p in same.points}
    # a swept seed is used as given; the random draws are reproducible
    assert [p.seed for p in build_sweep(_tiny_data(**GRID)).points] == [1, 2, 1, 2]
    again = build_sweep(_tiny_data(random={"count": 3, "keys": {"pharmacology.hill.hill_n": {"uniform": [1, 2]}}},
                                   seed=11))
    hill = "pharmacology.hill.hill_n"
    assert [p.params[hill] for p in again.points] == [p.params[hill] for p in sw.points[:3]]
    assert all(1 <= p.params[hill] <= 2 for p in again.points)


@pytest.mark.parametrize("block, message", [
    ({"grid": {"protocol.epochs.1.concentratoin": ["1 uM"]}}, "sweep.grid.protocol.epochs.1.concentratoin: "),
    ({"grid": {}}, "sweep.grid: expected at least one key"),
    ({"grid": {"seed": []}}, "sweep.grid.seed: expected a non-empty list"),
    ({"zip": {"circuit.e_to_i.p": [0.1, 0.2], "circuit.i_to_e.p": [0.3]}},
     "sweep.zip: expected lists of equal length, got circuit.e_to_i.p: 2, circuit.i_to_e.p: 1"),
    ({"grid": {"protocol.epochs.1.concentration": ["1 kg"]}}, "sweep.grid.protocol.epochs.1.concentration: "),
    ({"gird": {"seed": [1]}}, "sweep.gird: unknown key"),
    ({"grid": {"seed": [1]}, "time_limit": "soon"}, "sweep.time_limit: "),
    ({"grid": {"seed": ["one"]}}, "sweep.grid.seed: expected integers from 0 to 2**32 - 1, got 'one'"),
    ({"grid": {"seed": [1]}, "zip": {"seed": [2]}}, "sweep.zip.seed: the key is swept in sweep.grid already"),
])
def test_bad_sweep_blocks_are_one_line_exit_2(tmp_path, capsys, block, message):
    path = _write(tmp_path, _tiny_data(**block))
    rc = main(["sweep", str(path), "--out", str(tmp_path / "out"), "--no-progress"])
    err = capsys.readouterr().err.strip()
    assert rc == 2
    assert err.startswith(f"error: {message}") and "\n" not in err, err
    assert not (tmp_path / "out").exists()  # nothing written


# The block is a pydantic model (circuitsim.sweep.block): each of these was
# accepted, or reported without its key, before it was one.
@pytest.mark.parametrize("block, line", [
    # unknown keys, at any depth, named with what the part accepts
    ({"random": {"count": 2, "kees": {"seed": {"choice": [1]}}}},
     "sweep.random.kees: unknown key (expected count, keys)"),
    ({"random": {"count": 2, "keys": {"circuit.e_to_e.p": {"normal": [0.1, 0.2]}}}},
     "sweep.random.keys.circuit.e_to_e.p.normal: unknown key (expected uniform, log_uniform, choice, unit)"),
    # wrong types: a duration without its unit, a flag
    ({"grid": {"seed": [1]}, "time_limit": 600},
     "sweep.time_limit: expected a duration with a unit (s, ms, us, min, h, d, day) above 0 s and at most 30 d, "
     "such as 30 min, got 600"),
    ({"grid": {"seed": [1]}, "time_limit": True},
     "sweep.time_limit: expected a duration with a unit (s, ms, us, min, h, d, day) above 0 s and at most 30 d, "
     "such as 30 min, got True"),
    # bounds
    ({"grid": {"seed": [1]}, "time_limit": "3000 d"},
     "sweep.time_limit: expected a duration with a unit (s, ms, us, min, h, d, day) above 0 s and at most 30 d, "
     "such as 30 min, got '3000 d'"),
    ({"random": {"count": 10**9, "keys": {"seed": {"choice": [1]}}}},
     "sweep.random.count: expected a positive integer (at most 100000), got 1000000000"),
    # blank names: a label, a key
    ({"zip": {"label": ["   ", "b"], "circuit.e_to_i.p": [0.1, 0.2]}},
     "sweep.zip.label: expected labels that are not blank (text or numbers), got '   '"),
    ({"grid": {"  ": [1]}},
     "sweep.grid: expected a dotted config key such as protocol.epochs.1.concentration (not blank), got '  '"),
], ids=["unknown-random-key", "unknown-distribution", "time-without-unit", "time-as-flag", "time-too-long",
        "count-too-large", "blank-label", "blank-key"])
def test_the_sweep_block_is_strict_one_line_exit_2(tmp_path, capsys, block, line):
    path = _write(tmp_path, _tiny_data(**block))
    rc = main(["sweep", str(path), "--out", str(tmp_path / "out"), "--no-progress"])
    captured = capsys.readouterr()
    assert rc == 2
    assert captured.err == f"error: {' '.join(line.split())}\n"  # one line (blanks folded), no traceback
    assert captured.out == ""
    assert not (tmp_path / "out").exists()  # nothing written


def test_the_block_defaults_live_in_the_model():
    from circuitsim.sweep.block import SweepBlock

    block = SweepBlock.parse({"grid": {"seed": [1]}})
    assert (block.seed, block.time_limit_s) == (None, 7200.0)
    assert build_sweep(_tiny_data(grid={"seed": [1]})).time_limit_s == 7200.0
    assert build_sweep(_tiny_data(grid={"seed": [1]}, time_limit="20 min")).time_limit_s == 1200.0


def test_a_config_without_sweep_block(tmp_path, capsys):
    data = _tiny_data()
    del data["sweep"]
    rc = main(["sweep", str(_write(tmp_path, data)), "--out", str(tmp_path / "out")])
    assert rc == 2 and "error: sweep: the config has no sweep block" in capsys.readouterr().err


# ------------------------------------------------------------------- running
def _spikes(directory: Path) -> dict[str, dict]:
    out = {}
    for row in read_index(directory):
        res = read_results(directory / row["path"])
        out[row["name"]] = {pop: (t.copy(), i.copy()) for pop, (t, i) in res.spikes.items()}
    return out


def _same(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for name in a:
        for pop in a[name]:
            np.testing.assert_array_equal(a[name][pop][0], b[name][pop][0])
            np.testing.assert_array_equal(a[name][pop][1], b[name][pop][1])


def test_one_and_two_workers_give_identical_files_and_a_rerun_skips_them(tmp_path, capsys):
    path = _write(tmp_path, _tiny_data(**GRID))
    assert main(["sweep", str(path), "--out", str(tmp_path / "w1"), "--no-progress"]) == 0
    assert main(["sweep", str(path), "--out", str(tmp_path / "w2"), "--workers", "2", "--no-progress"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1] == str(tmp_path / "w2")
    assert (tmp_path / "w2" / "sweep_curves.png").stat().st_size > 1000
    rows = read_index(tmp_path / "w1")
    assert [r["status"] for r in rows] == ["done"] * 4
    assert {r["seed"] for r in rows} == {"1", "2"}
    for r in rows:  # metrics and wall times are in the index
        assert float(r["rate_pyramidal_hz"]) > 0 and float(r["wall_s"]) > 0 and float(r["sim_s"]) > 0
    _same(_spikes(tmp_path / "w1"), _spikes(tmp_path / "w2"))
    # a rerun finds every point finished and runs nothing
    mtimes = {p: p.stat().st_mtime_ns for p in (tmp_path / "w1" / "points").glob("*.h5")}
    t0 = time.time()
    assert main(["sweep", str(path), "--out", str(tmp_path / "w1"), "--no-progress", "--no-figures"]) == 0
    assert time.time() - t0 < 10
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / "w1" / "points").glob("*.h5")} == mtimes
    # plot from the index alone
    assert main(["plot", str(tmp_path / "w1")]) == 0
    assert (tmp_path / "w1" / "summary.csv").read_text().count("\n") == 3  # header + 2 concentrations


def test_another_sweep_in_the_same_directory_is_refused(tmp_path, capsys):
    sw = build_sweep(_tiny_data(grid={"seed": [1]}))
    run_sweep(sw, tmp_path / "d")
    path = _write(tmp_path, _tiny_data(grid={"seed": [2]}))
    rc = main(["sweep", str(path), "--out", str(tmp_path / "d"), "--no-progress"])
    assert rc == 2 and "holds another sweep" in capsys.readouterr().err


# ---------------------------------------------------------------------- lock
def _tree(directory: Path) -> dict[str, tuple[int, bytes]]:
    """Every file and directory under `directory`: its modification time and content."""
    return {str(p.relative_to(directory)): (p.stat().st_mtime_ns, p.read_bytes() if p.is_file() else b"")
            for p in sorted(directory.rglob("*"))}


def _hold_lock(path: Path) -> subprocess.Popen:
    """A child process that holds `path`'s flock (as a running sweep does) until it is killed."""
    code = ("import fcntl, os, sys, time\n"
            "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\n"
            "os.write(fd, f'{os.getpid()} on testhost'.encode())\n"
            "print('held', flush=True)\n"
            "time.sleep(120)\n")
    proc = subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_a_second_sweep_into_a_held_directory_is_refused_and_touches_nothing(tmp_path, capsys):
    """A re-queued batch job must not delete the running sweep's temporary files."""
    from circuitsim.errors import UserInputError

    data = _tiny_data(grid={"seed": [1, 2]}, time_limit="1 s")  # the old code, unlocked, ran it quickly
    sw = build_sweep(data)
    d = tmp_path / "d"
    (d / "points").mkdir(parents=True)
    (d / "logs").mkdir()
    (d / "sweep.yaml").write_text(sw.text, encoding="utf-8")  # the same sweep: a resume, not another
    (d / "index.csv").write_text("name,status\n")
    name = sw.points[0].name
    for tmp in (f"{name}.h5.tmp", f".{name}.json.k2j4x9.tmp"):  # files the first sweep is writing
        (d / "points" / tmp).write_bytes(b"partial")
    (d / ".index.csv.q8w1z3.tmp").write_text("name,")
    holder = _hold_lock(d / "sweep.lock")
    try:
        before = _tree(d)
        with pytest.raises(UserInputError) as err:
            run_sweep(sw, d)
        line = str(err.value)
        assert line.startswith(f"--out: {str(d)!r} is in use: another sweep holds it (process {holder.pid} on "
                               "testhost)") and "\n" not in line
        # the CLI: that one line, exit 2, progress on (nothing is printed before the sweep holds the directory)
        rc = main(["sweep", str(_write(tmp_path, data)), "--out", str(d)])
        captured = capsys.readouterr()
        assert rc == 2 and captured.err == f"error: {line}\n" and captured.out == ""
        assert _tree(d) == before  # nothing touched, the first sweep's temporary files included
    finally:
        holder.kill()
        holder.wait()
    from circuitsim.sweep.directory import stale_temporaries
    from circuitsim.sweep.lock import sweep_lock

    with sweep_lock(d):  # the kernel released the dead holder's lock
        pass
    # the refusal kept them, not a narrow pattern: the holder of the lock would have removed them
    assert sorted(p.name for p in stale_temporaries(d)) == sorted(
        [".index.csv.q8w1z3.tmp", f"{name}.h5.tmp", f".{name}.json.k2j4x9.tmp"])


def test_local_workers_share_the_lock_so_it_outlives_a_killed_sweep(tmp_path):
    """Orphaned workers of a kill -9'd sweep keep its directory locked until they stop."""
    from circuitsim.errors import UserInputError
    from circuitsim.sweep.lock import sweep_lock
    from circuitsim.sweep.worker_process import WorkerProcess

    worker = WorkerProcess(tmp_path / "logs")
    try:
        with sweep_lock(tmp_path) as fd:
            worker.keep_fds = (fd,)
            worker.start()
        with pytest.raises(UserInputError, match="another sweep holds it"):
            with sweep_lock(tmp_path):
                pass
    finally:
        worker.kill()
    with sweep_lock(tmp_path):
        pass


def test_a_failing_point_is_recorded_and_the_rest_finish(tmp_path, capsys):
    # A plasticity section without dosing passes the schema but the engine refuses it.
    path = _write(tmp_path, _tiny_data(grid={"plasticity": [None, {"days_after": "1 d"}]}))
    rc = main(["sweep", str(path), "--out", str(tmp_path / "d"), "--no-progress", "--no-figures"])
    assert rc == 1
    rows = {r["status"]: r for r in read_index(tmp_path / "d")}
    assert set(rows) == {"done", "failed"}
    assert "plasticity: a plasticity experiment needs a dosing section" in rows["failed"]["error"]
    assert rows["done"]["path"] and not rows["failed"]["path"]
    assert "1 done, 1 failed" in capsys.readouterr().err


def _worker_pids(parent: int) -> list[int]:
    pids = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            cmd = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if "circuitsim.sweep.worker" in cmd and ppid == parent:
            pids.append(int(d.name))
    return pids


def test_time_limit_stops_a_point_and_its_worker(tmp_path):
    sw = build_sweep(_tiny_data(grid={"seed": [1, 2]}, time_limit="0.5 s"))
    out = run_sweep(sw, tmp_path / "d")
    assert out.counts["timeout"] == 2 and not out.ok
    assert all("time limit" in s.error for s in out.states)
    assert _worker_pids(os.getpid()) == []
    assert not list((tmp_path / "d" / "points").glob("*.h5"))


@pytest.mark.slow  # 21-30 s; the rerun that skips finished points is in the default suite (1 vs 2 workers)
def test_kill_9_of_a_worker_then_of_the_sweep_then_resume(tmp_path):
    """A killed worker is recorded as failed and replaced; a killed sweep leaves no partial file."""
    data = _tiny_data(grid={"protocol.epochs.1.concentration": ["0.1 uM", "0.3 uM", "1 uM", "3 uM", "10 uM"]})
    path = _write(tmp_path, data)
    d = tmp_path / "d"
    cmd = [sys.executable, "-m", "circuitsim.cli", "sweep", str(path), "--out", str(d), "--no-figures"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 120
        while not _worker_pids(proc.pid) and time.time() < deadline:
            time.sleep(0.1)
        time.sleep(1.0)
        os.kill(_worker_pids(proc.pid)[0], signal.SIGKILL)  # the worker, mid-point
        while len(list((d / "points").glob("*.h5"))) < 2 and time.time() < deadline:
            time.sleep(0.1)
        workers = _worker_pids(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)  # the sweep itself
        proc.wait(timeout=10)
        for _ in range(50):  # the orphaned worker stops itself within ~1 s
            if not any(Path(f"/proc/{w}").exists() and "Z" not in _state(w) for w in workers):
                break
            time.sleep(0.1)
        else:
            pytest.fail("a worker outlived the killed sweep")
    finally:
        if proc.poll() is None:
            proc.kill()
    finished = list((d / "points").glob("*.h5"))
    assert 2 <= len(finished) < 5
    for f in finished:  # every file that exists is complete
        read_results(f)
    rows = read_index(d)
    assert "failed" in {r["status"] for r in rows}
    assert any("worker exited with status -9" in r["error"] for r in rows)
    mtimes = {f: f.stat().st_mtime_ns for f in finished}
    assert main(["sweep", str(path), "--out", str(d), "--no-progress", "--no-figures"]) == 0
    assert [r["status"] for r in read_index(d)] == ["done"] * 5
    assert {f: f.stat().st_mtime_ns for f in finished} == mtimes  # finished points were not rerun


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"


@pytest.mark.slow  # 14-22 s: starts a LocalCluster; the local executor is in the default suite
def test_dask_executor_on_a_local_cluster_matches_local(tmp_path):
    distributed = pytest.importorskip("distributed")
    sw = build_sweep(_tiny_data(grid={"seed": [3, 4]}))
    local = run_sweep(sw, tmp_path / "local")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:
        remote = run_sweep(sw, tmp_path / "dask", executor="dask", scheduler=cluster.scheduler_address)
    assert local.ok and remote.ok
    _same(_spikes(tmp_path / "local"), _spikes(tmp_path / "dask"))


def test_dask_without_scheduler_is_a_clear_error(tmp_path, capsys):
    path = _write(tmp_path, _tiny_data(grid={"seed": [1]}))
    rc = main(["sweep", str(path), "--executor", "dask", "--out", str(tmp_path / "d")])
    assert rc == 2 and "error: --scheduler: the dask executor needs" in capsys.readouterr().err


@pytest.mark.parametrize("name, n", [("sweep_dose", 50), ("sweep_occlusion", 24)])
def test_packaged_sweeps_resolve(name, n, capsys):
    sw = load_sweep(name)
    assert len(sw.points) == n
    assert len({p.name for p in sw.points}) == n
    # `circuitsim run` on a sweep says what to do instead
    assert main(["run", name, "--no-progress"]) == 2
    assert "is a sweep" in capsys.readouterr().err


def test_occlusion_sweep_points_are_the_blockers():
    sw = load_sweep("sweep_occlusion")
    by_label = {p.params["label"]: p.config for p in sw.points if p.seed == 1}
    assert by_label["rapamycin"].plasticity.interventions[0].kind == "rapamycin"
    assert by_label["NBQX"].dosing.doses[0].drug == "nbqx"
    assert by_label["vehicle"].dosing.doses[0].amount_mg(1.0) == 0
    assert not by_label["ketamine"].plasticity.interventions


def test_two_swept_keys_give_heat_maps_and_a_summary(tmp_path):
    """Figures come from the index alone (here a synthetic one: a 2 x 3 grid x 2 seeds)."""
    from circuitsim.sweep.figures import sweep_figures

    d = tmp_path / "sw"
    d.mkdir()
    rows = ["name,status,seed,circuit.e_to_i.p,protocol.epochs.1.concentration,wall_s,sim_s,overhead_s,"
            "glutamate_rel,rate_pyramidal_hz,path,error"]
    for p in (0.1, 0.2):
        for c in ("0.1 uM", "1 uM", "10 uM"):
            for seed in (1, 2):
                glu = 1 + p * float(c.split()[0]) + 0.01 * seed
                rows.append(f"n{p}{c}{seed},done,{seed},{p},{c},1,1,0,{glu},{4 * glu},points/x.h5,")
    rows.append("failed-one,failed,3,0.1,0.1 uM,1,,,,,,boom")
    (d / "index.csv").write_text("\n".join(rows) + "\n")
    paths = sweep_figures(d)
    assert [p.name for p in paths] == ["summary.csv", "sweep_heatmaps.png"]
    assert paths[1].stat().st_size > 1000
    lines = (d / "summary.csv").read_text().splitlines()
    assert len(lines) == 1 + 6  # one row per (p, concentration), seeds pooled, the failed point left out
    row = dict(zip(lines[0].split(","), lines[1 + 4].split(","), strict=True))  # p = 0.2, 1 uM
    assert (row["circuit.e_to_i.p"], row["protocol.epochs.1.concentration"], row["n"]) == ("0.2", "1 uM", "2")
    assert float(row["glutamate_rel_mean"]) == pytest.approx(1.215)
    assert float(row["glutamate_rel_sd"]) == pytest.approx(0.01 / 2**0.5)


def test_plots_draw_sweep_figures_from_plain_data(tmp_path):
    """plots/sweep.py takes arrays and labels; it knows nothing of sweep directories."""
    from circuitsim.plots.sweep import CurveAxis, choose_metrics, curves_figure, heatmaps_figure

    assert choose_metrics(["wall", "rate_pyramidal_hz", "glutamate_rel"]) == ["glutamate_rel", "rate_pyramidal_hz"]
    axis = CurveAxis("protocol.epochs.1.concentration", "uM", ["0.1 uM", "1 uM", "10 uM"], np.array([0.1, 1, 10]),
                     False, {"glutamate_rel": [np.array([1.1, 1.2]), np.array([2.0]), np.array([])]})
    assert curves_figure(tmp_path / "c.png", [axis], ["glutamate_rel"], "t").stat().st_size > 1000
    means = {"glutamate_rel": np.array([[1.0, 2.0], [np.nan, 3.0]])}
    path = heatmaps_figure(tmp_path / "h.png", "a", ["1", "2"], "b", ["x", "y"], means, "t")
    assert path.stat().st_size > 1000


def test_only_the_api_and_cli_import_the_sweep_package():
    """sweep sits above plots (DESIGN.md): no module outside sweep/ imports it but api.py and cli.py."""
    import ast

    import circuitsim

    root = Path(circuitsim.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        rel = path.relative_to(root)
        if rel.parts[0] == "sweep" or str(rel) in ("api.py", "cli.py"):
            continue
        package = ["circuitsim", *rel.parts[:-1]]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = package[:len(package) - node.level + 1] if node.level else []
                names = [".".join([*base, node.module or ""]).strip(".")]
                names += [f"{names[0]}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            if any(n == "circuitsim.sweep" or n.startswith("circuitsim.sweep.") for n in names):
                offenders.append(str(rel))
    assert offenders == []
