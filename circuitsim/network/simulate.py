"""The one call that runs a fast sample: build the circuit, run it on its device, read it back.

:func:`simulate_sample` runs in Brian2's runtime mode (``cython``,
``numpy``) or as a compiled C++ standalone project in a cached, locked build
directory (:mod:`circuitsim.network.standalone`), keyed by the circuit's
:func:`code_structure`.
"""

from __future__ import annotations

import gc
import hashlib
import json
import shutil
import time

import numpy as np

from ..config.schema import Config
from .build import build_network
from .drive import external_kinds
from .inputs import CircuitSpec, Device, DrugInput, Stimulus, SynapseWeights
from .sample import POPULATIONS, FastSample, ProgressFn
from .standalone import (
    duration_at_run_time,
    locked_build_dir,
    mark_variant,
    resolve_threads,
    standalone_device,
    structure_key,
)
from .vta import vta_parts

#: The default device: C++ standalone, threads from ``$CIRCUITSIM_THREADS`` (else 1).
DEFAULT_DEVICE = Device()


def simulate_sample(
    circuit: CircuitSpec,
    drug: DrugInput,
    weights: np.ndarray | SynapseWeights | None = None,
    *,
    device: Device = DEFAULT_DEVICE,
    progress: ProgressFn | None = None,
    formulation: str = "event",
    stimulus: Stimulus | None = None,
) -> FastSample:
    """Build `circuit`, run it under the concentrations of `drug`, return spikes and traces.

    With ``device.codegen_target`` ``"cython"`` or ``"numpy"`` the network
    runs in Brian2's runtime mode. With ``"cpp_standalone"`` it is written as
    a C++ project into a cached, locked build directory
    (:mod:`circuitsim.network.standalone`), compiled incrementally, run with
    ``device.threads`` OpenMP threads, read back, and Brian2 is switched
    back to the device that was active before (runtime mode), so that calls
    can follow each other in one process.

    Parameters
    ----------
    circuit : CircuitSpec
        The circuit, its receptor pharmacology and the seed.
    drug : DrugInput
        Ketamine (and NBQX) concentrations at the receptors over the sample (uM).
    weights : ndarray or SynapseWeights, optional
        Relative weight of every E->E synapse in the order of
        :func:`circuitsim.network.build.e_to_e_pairs` (over a spine-slot
        pool: each slot's spine's scaled volume, 0 without a spine), or a
        :class:`~circuitsim.network.inputs.SynapseWeights` that also gives
        the E->I weights (``e_to_i_pairs`` order). Default 1, or 1 / slots
        per synapse over a slot pool.
    device : Device
        Code target and threads.
    progress : callable, optional
        Called as ``progress(simulated_s, total_s)`` during the run (runtime
        mode: every simulated second; standalone: once, at the end).
    formulation : {"event", "per_synapse_ode"}
        NMDA formulation; ``per_synapse_ode`` is the slow reference.
    stimulus : Stimulus, optional
        Pulses to some pyramidal cells (the circuit probe); the sample then
        runs until ``stimulus.stop_s``. None: none, the circuit and its code
        as without this argument.

    Returns
    -------
    FastSample
        ``wall_build_s`` is everything before the simulation proper (network
        construction, code generation and, in standalone mode, compilation);
        ``wall_run_s`` is the simulation loop (runtime: ``Network.run``;
        standalone: the time the binary reports for its ``network.run``,
        excluding loading arrays and writing results).
    """
    import brian2 as b2

    if formulation not in ("event", "per_synapse_ode"):
        raise ValueError(f"unknown NMDA formulation {formulation!r}")
    t_start = time.perf_counter()
    b2.start_scope()
    if device.codegen_target != "cpp_standalone":
        return _run_runtime(circuit, drug, weights, device, formulation, progress, t_start, stimulus)
    sample = _run_standalone(circuit, drug, weights, device, formulation, t_start, stimulus)
    if progress is not None:
        progress(sample.duration_s, sample.duration_s)
    return sample


def simulate_config(config: Config, weights: np.ndarray | SynapseWeights | None = None, *,
                    progress: ProgressFn | None = None, formulation: str = "event") -> FastSample:
    """:func:`simulate_sample` of an experiment config's circuit, bath protocol and device."""
    return simulate_sample(CircuitSpec.of(config), DrugInput.of_protocol(config.protocol), weights,
                           device=Device.of(config), progress=progress, formulation=formulation)


def _run_runtime(circuit: CircuitSpec, drug: DrugInput, weights: np.ndarray | SynapseWeights | None, device: Device,
                 formulation: str, progress: ProgressFn | None, t_start: float,
                 stimulus: Stimulus | None = None) -> FastSample:
    """Build and run in Brian2's runtime mode (``device.codegen_target`` cython or numpy)."""
    import brian2 as b2

    b2.prefs.codegen.target = device.codegen_target
    built = build_network(circuit, drug, formulation, weights, stimulus)
    t_built = time.perf_counter()
    report = None
    if progress is not None:
        duration = built.duration_s

        def report(elapsed, completed, start, duration_):  # noqa: ARG001 - Brian2 signature
            progress(float(completed) * duration, duration)
    built.run(report=report, report_period=1 * b2.second)
    t_run = time.perf_counter()
    return built.collect(wall_build_s=t_built - t_start, wall_run_s=t_run - t_built,
                         threads=1)


def _run_standalone(circuit: CircuitSpec, drug: DrugInput, weights: np.ndarray | SynapseWeights | None,
                    device: Device,
                    formulation: str, t_start: float, stimulus: Stimulus | None = None) -> FastSample:
    """Build, compile and run as a C++ standalone project; Brian2 returns to runtime mode after."""
    threads = resolve_threads(device.threads)
    # Collect unreachable Brian2 objects of earlier runs: automatic names
    # ("<object>_stateupdater_codeobject_1") would otherwise change, and with
    # them the generated files.
    gc.collect()
    variant = _variant(circuit)
    with standalone_device(threads) as b2_device:
        built = build_network(circuit, drug, formulation, weights, stimulus)
        built.run()
        _sort_clock_starts(b2_device, built.net)
        duration_at_run_time(b2_device, built.net)
        key = structure_key(code_structure(circuit, drug, formulation, threads, stimulus is not None))
        with locked_build_dir(key, variant=variant) as directory:
            try:
                b2_device.build(directory=str(directory), compile=True, run=False, with_output=False)
            except RuntimeError as exc:
                if "compilation failed" not in str(exc):
                    raise
                # An interrupted earlier build can leave truncated object
                # files that look up to date: rebuild from scratch once.
                b2_device.build(directory=str(directory), compile=True, run=False, with_output=False,
                                clean=True)
            mark_variant(directory, variant)
            t_built = time.perf_counter()
            b2_device.run(directory=str(directory), with_output=False)
            sample = built.collect(wall_build_s=t_built - t_start,
                                   wall_run_s=float(b2_device._last_run_time),
                                   threads=threads,
                                   wall_binary_s=float(b2_device.timers["run_binary"]))
            # Inputs and outputs of this run only (Brian2 rewrites the inputs
            # before every build): ~150 MB for the default circuit.
            for sub in ("static_arrays", "results"):
                shutil.rmtree(directory / sub, ignore_errors=True)
    return sample


def _sort_clock_starts(device, net) -> None:
    """Give the clock start assignments in main.cpp a fixed order.

    Brian2 queues ``<clock>.t = 0`` and ``<clock>.timestep = 0`` while
    iterating over a set of clocks, whose order follows memory addresses, so
    main.cpp (the most expensive file to compile) would differ between two
    identical runs half of the time. The assignments are independent.
    """
    names = {device.get_array_name(clock.variables[var])
             for clock in net._clocks for var in ("t", "timestep")}
    queue = device.main_queue
    pos = [k for k, (op, args) in enumerate(queue)
           if op == "set_by_single_value" and args[0] in names]
    if pos and pos == list(range(pos[0], pos[-1] + 1)):
        queue[pos[0]:pos[-1] + 1] = sorted(queue[pos[0]:pos[-1] + 1], key=lambda e: e[1][0])


def code_structure(circuit: CircuitSpec, drug: DrugInput, formulation: str, threads: int,
                   stimulus: bool = False) -> dict:
    """What shapes the generated C++ code, beyond parameter values (the build-directory key).

    Parameter values (conductances, time constants, the seed, the protocol)
    only change constants or data files, which an incremental ``make`` in the
    same directory handles; these change many files at once.
    """
    cc = circuit.circuit
    out = {
        "formulation": formulation,
        "block_model": circuit.pharmacology.block_model,
        "threads": threads,
        "cells": {pop: {"n": getattr(cc, pop).n,
                        "adaptation": getattr(cc, pop).adaptation_increment_a > 0}
                  for pop in POPULATIONS},
        "external": {pop: external_kinds(getattr(cc, f"external_{pop}")) for pop in POPULATIONS},
    }
    # Only with the VTA, so that a circuit without it keeps its build directory.
    if cc.vta.enabled:
        cells, ext, _ = vta_parts(cc.vta)
        out["vta"] = {"cells": {pop: {"n": p.n, "adaptation": p.adaptation_increment_a > 0}
                                for pop, p in cells.items()},
                      "external": {pop: external_kinds(e) for pop, e in ext.items()}}
    # Likewise: NBQX adds a term to every neuron's equations; a spine-slot
    # pool makes the E->E synapse arrays twice as long.
    if drug.nbqx_um is not None:
        out["ampa_block"] = True
    if circuit.pharmacology.escapes:
        out["escape"] = True  # a partially trapped blocker adds a term to the block equation
    if circuit.spine_slots:
        out["spine_slots"] = circuit.spine_slots
    if circuit.e_to_i_slots:
        out["e_to_i_slots"] = circuit.e_to_i_slots
    # Recorded cell variables add a monitor per population.
    if circuit.recording is not None:
        out["recording"] = {pop: list(circuit.recording.variables) for pop in circuit.recording.cells}
    # And the circuit probe's stimulus (`stimulus`: one is given) adds two objects.
    if stimulus:
        out["stimulus"] = True
    return out


def _variant(circuit: CircuitSpec) -> str:
    """What sizes the static arrays of a build, beyond its structure: the seed and circuit values.

    A build directory last built for the same variant recompiles nothing
    (:func:`circuitsim.network.standalone.locked_build_dir`). Broader than
    needed (any circuit value counts), which only costs a recompile.
    """
    payload = {"seed": circuit.seed, "circuit": circuit.circuit.model_dump(mode="json"),
               "slots": circuit.spine_slots or None,
               **({"e_to_i_slots": circuit.e_to_i_slots} if circuit.e_to_i_slots else {}),
               **({"connectivity": circuit.connectivity.digest} if circuit.connectivity is not None else {})}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:16]
