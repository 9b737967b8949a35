"""Brian2's C++ standalone device with a reused, locked build directory per circuit structure.

In standalone mode Brian2 writes the whole simulation as a C++ project,
compiles it with ``make`` and runs the binary. Brian2 only rewrites the files
whose content changed and the generated makefile tracks header dependencies,
so a project directory that is reused for the same circuit *structure*
(equations, population sizes, objects) only recompiles what a new seed or new
parameter values touch. This module chooses and locks that directory:

* cache root: ``$CIRCUITSIM_CACHE_DIR``, default ``~/.cache/circuitsim``;
* directory: ``<root>/standalone/<key>``, ``key`` a hash of the structure
  (:func:`structure_key`). Any directory would give correct results (Brian2
  regenerates every file and ``make`` rebuilds what changed); the key only
  decides how much is recompiled;
* each directory is held under an exclusive ``fcntl.flock`` for the whole
  write + compile + run + read-back; a process that finds it taken uses the
  next slot (``<key>-1``, ``<key>-2``, ...), so concurrent processes never
  share a directory.

Brian2's own Cython cache (runtime mode) is separate and unaffected.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import platform
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import UserInputError

CACHE_ENV = "CIRCUITSIM_CACHE_DIR"
THREADS_ENV = "CIRCUITSIM_THREADS"
#: Set by :func:`seed_at_run_time` for the binary; not for users.
SEED_ENV = "CIRCUITSIM_BRIAN2_SEED"
#: Set by :func:`duration_at_run_time` for the binary; not for users.
DURATION_ENV = "CIRCUITSIM_BRIAN2_DURATION"

#: More slots than this for one key means something is wrong (leaked locks).
MAX_SLOTS = 64


def cache_root() -> Path:
    """``$CIRCUITSIM_CACHE_DIR`` or ``~/.cache/circuitsim``."""
    env = os.environ.get(CACHE_ENV)
    return Path(env).expanduser() if env else Path.home() / ".cache" / "circuitsim"


def resolve_threads(configured: int) -> int:
    """OpenMP threads to use: `configured` if > 0, else ``$CIRCUITSIM_THREADS``, else 1.

    One thread by default: on the 2-core development machine (a VM whose
    cores other jobs share), two OpenMP threads ran the default circuit at
    best 1.4x faster than one, but in most runs 3-70x slower, most likely
    because every step has ~20 parallel loops, each ending in a barrier that
    stalls whenever one of the two cores is taken away. One process per core
    (parallel sweeps, each in its own build directory) uses the cores more
    reliably.
    """
    if configured > 0:
        return configured
    n = positive_int_env(THREADS_ENV)
    return 1 if n is None else n


def positive_int_env(name: str) -> int | None:
    """The positive integer in environment variable `name`, None if unset or empty (UserInputError otherwise)."""
    env = os.environ.get(name, "").strip()
    if not env:
        return None
    try:
        n = int(env)
    except ValueError:
        n = 0
    if n < 1:
        raise UserInputError(f"{name}: expected a positive integer, got {env!r}")
    return n


def usable_cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _cpu_model() -> str:
    """The CPU model name (generated code is compiled with -march=native)."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


#: Compiler flags of the generated code (gcc/clang), in place of Brian2's
#: defaults (``-w -O3 -ffast-math -fno-finite-math-only -march=native
#: -std=c++11``). Two changes let gcc vectorise the neuron state updates
#: (issue 20, benchmarks/fast_stage.py):
#:
#: * without ``-fno-finite-math-only`` the C library declares its vector
#:   ``exp`` (libmvec), so the Mg2+ unblock no longer forces a scalar loop.
#:   The circuit's code computes no infinities or NaNs (the resting state
#:   starts at ``lastspike = -1e4 s``; ``log`` and divisions take positive
#:   arguments), so assuming finite math is safe. The vector ``exp`` may
#:   differ from the scalar one in the last bit: every golden run kept its
#:   spikes and slow-stage results, and only the monitored open fraction
#:   changed (<= 4e-16 relative; tests/data/golden_2026-12-07_4.json);
#: * gcc vectorises a loop over more than ~5 arrays only after checking at
#:   run time that they do not overlap, and gives up beyond 10 checks by
#:   default: a state update touches ~10 arrays (45 pairs).
COMPILE_ARGS = ["-w", "-O3", "-ffast-math", "-march=native",
                "--param=vect-max-version-for-alias-checks=100", "-std=c++11"]
#: circuitsim's spike queue, installed over Brian2's (same interface, same
#: spikes; see the file's header).
SPIKE_QUEUE = Path(__file__).parent / "cpp" / "spikequeue.h"


def structure_key(structure: dict) -> str:
    """A short hash of `structure` (JSON-serialisable), the Brian2 version, the CPU and the code we compile with."""
    import brian2

    payload = {"structure": structure, "brian2": brian2.__version__, "cpu": _cpu_model(),
               "machine": platform.machine(), "compile_args": COMPILE_ARGS,
               "spike_queue": hashlib.sha256(SPIKE_QUEUE.read_bytes()).hexdigest()[:16]}
    text = json.dumps(payload, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


#: The slot this process last used for each key: preferred among equals, so
#: that a process that runs many simulations (a sweep worker) keeps to its
#: own build instead of taking whichever slot another process just released.
_last_slot: dict[str, int] = {}
#: Slots of one key kept for different variants (seeds) before reusing one.
MAX_VARIANT_SLOTS = 16
#: File in a slot naming the variant its compiled objects were last built for.
VARIANT_FILE = ".circuitsim-variant"


def _slot_name(key: str, slot: int) -> str:
    return key if slot == 0 else f"{key}-{slot}"


def _try_lock(base: Path, key: str, slot: int) -> int | None:
    fd = os.open(base / f"{_slot_name(key, slot)}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def _release(fd: int) -> None:
    fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)


def _variant_of(directory: Path) -> str | None:
    try:
        return (directory / VARIANT_FILE).read_text().strip() or None
    except OSError:
        return None


def mark_variant(directory: Path, variant: str) -> None:
    """Record that `directory` now holds a complete build of `variant` (after a successful build)."""
    (directory / VARIANT_FILE).write_text(variant)


def _choose(base: Path, key: str, variant: str | None) -> tuple[int, int]:
    """(slot, lock fd) for `key` and `variant`; see :func:`locked_build_dir`."""
    existing = sorted(k for k in range(MAX_SLOTS) if (base / _slot_name(key, k)).is_dir())
    mine = _last_slot.get(key)
    ordered = ([mine] if mine in existing else []) + [k for k in existing if k != mine]
    if variant is not None:  # 1. a free slot built for this variant
        for k in ordered:
            if _variant_of(base / _slot_name(key, k)) == variant and (fd := _try_lock(base, key, k)) is not None:
                return k, fd
    for k in ordered:  # 2. a free slot built for another variant
        if (fd := _try_lock(base, key, k)) is None:
            continue
        if variant is None or len(existing) >= MAX_VARIANT_SLOTS:
            return k, fd  # reuse it: make recompiles what the variant changes
        # Keep its build for its own variant: start a new slot from a copy of it.
        for new in range(MAX_SLOTS):
            if new in existing or (new_fd := _try_lock(base, key, new)) is None:
                continue
            target = base / _slot_name(key, new)
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(base / _slot_name(key, k), target, symlinks=True,
                            ignore=shutil.ignore_patterns("static_arrays", "results", VARIANT_FILE))
            _release(fd)
            return new, new_fd
        return k, fd
    for k in range(MAX_SLOTS):  # 3. every slot is busy: a new, empty one (a full compile)
        if (fd := _try_lock(base, key, k)) is not None:
            return k, fd
    raise RuntimeError(f"all {MAX_SLOTS} standalone build slots of {key} in {base} are locked")


@contextmanager
def locked_build_dir(key: str, root: Path | None = None, variant: str | None = None) -> Iterator[Path]:
    """A project directory for `key`, exclusively locked while the context is open.

    Slots are ``<root>/standalone/<key>``, ``<key>-1``, ``<key>-2``, ...; a
    slot another process holds is skipped (non-blocking locks). Among the
    free ones, in this order:

    1. a slot whose last complete build was for `variant` (the seed and
       circuit values that size static arrays): nothing to recompile;
    2. otherwise, with a `variant`, a copy of a free slot into a new slot
       (compiled objects and timestamps kept, so ``make`` recompiles only
       what the variant changes, and the copied slot keeps its own
       variant's build), up to :data:`MAX_VARIANT_SLOTS` slots; beyond
       that, or without a `variant`, the free slot itself;
    3. if every slot is busy, a new empty slot.

    The slot this process used last comes first among equals. The variant
    mark is removed on entry and written back by :func:`mark_variant` once a
    build succeeds, so an interrupted build never claims a variant.
    """
    base = (root if root is not None else cache_root()) / "standalone"
    base.mkdir(parents=True, exist_ok=True)
    slot, fd = _choose(base, key, variant)
    try:
        directory = base / _slot_name(key, slot)
        directory.mkdir(exist_ok=True)
        (directory / VARIANT_FILE).unlink(missing_ok=True)
        _last_slot[key] = slot
        yield directory
    finally:
        _release(fd)


def seed_at_run_time(device, seed: int) -> None:
    """``brian2.seed(seed)`` for the standalone `device`, with the value read by the binary.

    ``brian2.seed`` writes the value into main.cpp, the slowest file to
    compile (~4 s), so every new seed would recompile it. This inserts the
    same seeding (thread k's generator gets ``seed + k``), taking the value
    from the environment variable :data:`SEED_ENV`, which the device sets when
    it runs the binary.
    """
    import brian2 as b2

    n = max(b2.prefs.devices.cpp_standalone.openmp_threads, 1)
    device.insert_code("main", f"""{{
    const char* _circuitsim_seed = getenv("{SEED_ENV}");
    if (_circuitsim_seed == NULL) {{
        std::cerr << "{SEED_ENV} is not set" << std::endl;
        return 1;
    }}
    for (int _i=0; _i<{n}; _i++)
        brian::_random_generators[_i].seed(strtoul(_circuitsim_seed, NULL, 10) + _i);
}}""")
    device.run_environment_variables[SEED_ENV] = str(int(seed))


def duration_at_run_time(device, net) -> None:
    """Make the binary take `net`'s run duration from the environment, not from main.cpp.

    Brian2 writes ``<net>.run(<duration>, ...)`` into main.cpp, the slowest
    file to compile (~4 s), so a build directory that runs samples of
    different durations (an experiment's staircases and drug-free checks)
    recompiled it at every change. This replaces the literal in the queued
    call with a read of :data:`DURATION_ENV`, which the device sets to the
    same literal (``repr`` of the float, so the binary parses the same
    double). Call after ``net.run`` on the standalone device, once.
    """
    pattern = re.compile(rf"^{re.escape(net.name)}\.run\(([^,]+), ")
    for func, args in device.main_queue:
        if func != "run_network" or args[0] is not net:
            continue
        lines = args[1]
        for k, line in enumerate(lines):
            m = pattern.match(line)
            if m is None:
                continue
            device.run_environment_variables[DURATION_ENV] = m.group(1)
            lines[k] = (f"{net.name}.run(strtod(getenv(\"{DURATION_ENV}\"), NULL), "
                        + line[m.end():])
            return
    raise RuntimeError(f"no queued run of network {net.name!r} to take its duration at run time")


@contextmanager
def standalone_device(threads: int) -> Iterator[object]:
    """Switch Brian2 to ``cpp_standalone`` (build_on_run=False); restore the previous device on exit.

    ``threads`` > 1 compiles with OpenMP and runs that many threads; 1 builds
    plain serial code (no OpenMP).
    """
    import brian2 as b2
    from brian2.devices.device import get_device, reset_device

    sa_prefs = b2.prefs.devices.cpp_standalone
    cpp_prefs = b2.prefs.codegen.cpp
    old = sa_prefs.openmp_threads, sa_prefs.extra_make_args_unix, cpp_prefs.extra_compile_args_gcc
    sa_prefs.openmp_threads = threads if threads > 1 else 0
    # One compiler per core (Brian2's default, plain -j, starts them all at once).
    sa_prefs.extra_make_args_unix = [f"-j{usable_cores()}"]
    cpp_prefs.extra_compile_args_gcc = list(COMPILE_ARGS)
    b2.set_device("cpp_standalone", build_on_run=False)
    device = get_device()
    _install_spike_queue(device)
    try:
        yield device
    finally:
        # Brian2 exports the run's environment variables into this process.
        os.environ.pop(SEED_ENV, None)
        os.environ.pop(DURATION_ENV, None)
        device.__dict__.pop("copy_source_files", None)
        device.reinit()
        reset_device()
        sa_prefs.openmp_threads, sa_prefs.extra_make_args_unix, cpp_prefs.extra_compile_args_gcc = old


def _install_spike_queue(device) -> None:
    """Make `device` write :data:`SPIKE_QUEUE` as the project's ``brianlib/spikequeue.h``.

    The file gets the modification time of the packaged one (as Brian2's
    own copy keeps its source's), so that ``make`` recompiles the synapse
    code only when the queue itself changed (a new queue also changes the
    build key, :func:`structure_key`).
    """
    brian2_copy = type(device).copy_source_files

    def copy_source_files(writer, directory):
        brian2_copy(device, writer, directory)
        target = Path(directory) / "brianlib" / "spikequeue.h"
        shutil.copyfile(SPIKE_QUEUE, target)
        st = SPIKE_QUEUE.stat()
        os.utime(target, (st.st_atime, st.st_mtime))

    device.copy_source_files = copy_source_files
