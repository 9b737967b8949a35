"""The typed inputs of a fast sample: the circuit, the drug it sees, the device it runs on.

:func:`circuitsim.network.simulate.simulate_sample` takes these three (and
the E->E weights as an array), never a whole experiment config: the drug
arrives as sampled concentrations, so a caller that plans its own drug
states (the engine's staircases) hands over numbers, not config text.
:meth:`CircuitSpec.of`, :meth:`DrugInput.of_protocol` and :meth:`Device.of`
take them out of a :class:`~circuitsim.config.schema.Config`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from ..config.circuit import CircuitConfig
from ..config.pharmacology import PharmacologyConfig
from ..config.protocol import ProtocolConfig
from ..config.schema import Config
from ..errors import UserInputError
from ..pharmacology.bath import concentration_trace
from .connectivity import Connectivity
from .sonata import node_set_ids, read_connectivity

#: Sampling interval (s) of the drug traces a sample is given: the drug's
#: Brian2 TimedArray has 1-ms steps.
DRUG_DT_S = 1e-3


@dataclass(frozen=True)
class Recording:
    """Cell variables every sample records: their names, the node ids per population, the interval (s)."""

    variables: tuple[str, ...]
    cells: dict[str, np.ndarray]
    interval_s: float

    @classmethod
    def of(cls, config: Config) -> Recording | None:
        """What ``config.recording`` asks for (None: nothing): ids, an evenly spaced fraction, a node set or every cell.

        A population the node set leaves empty is not recorded.
        """
        rec = config.recording
        if not rec.variables:
            return None
        cells = {}
        for pop in rec.populations:
            n = getattr(config.circuit, pop).n
            if rec.node_set is not None:
                ids = np.unique(node_set_ids(config.circuit.network, rec.node_set, pop))
            elif rec.cells is not None:
                ids = np.array(sorted(rec.cells), dtype=np.int64)
            elif rec.fraction is not None:
                ids = np.unique(np.round(np.linspace(0, n - 1, max(1, round(rec.fraction * n)))).astype(np.int64))
            else:
                ids = np.arange(n, dtype=np.int64)
            if len(ids):
                cells[pop] = ids
        if not cells:
            raise UserInputError(f"recording.node_set: {rec.node_set!r} selects no cell of "
                                 f"{', '.join(rec.populations)}; expected at least one")
        return cls(variables=tuple(rec.variables), cells=cells, interval_s=rec.interval_s)


def network_connectivity(circuit: CircuitConfig) -> Connectivity:
    """The synapses of ``circuit.network`` (a SONATA circuit config), checked against the circuit's cells and delays.

    Raises
    ------
    UserInputError
        One line naming ``circuit.network`` or the key the file contradicts.
    """
    connectivity, n = read_connectivity(circuit.network)
    for pop in ("pyramidal", "interneuron"):
        if n[pop] != getattr(circuit, pop).n:
            raise UserInputError(f"circuit.{pop}.n: the network {circuit.network!r} has {n[pop]} {pop} cells; "
                                 f"expected the config to say so, got {getattr(circuit, pop).n}")
    for name, pw in connectivity.pathways.items():
        if len(pw.delay_s) == 0:
            continue
        lo, hi = float(pw.delay_s.min()), float(pw.delay_s.max())
        if lo < circuit.dt_s:
            raise UserInputError(f"circuit.network: {name} delays from {lo * 1e3:g} ms; expected at least "
                                 f"one time step dt ({circuit.dt_s * 1e3:g} ms)")
        if name.startswith("e_") and hi >= circuit.pyramidal.t_refractory_s:
            raise UserInputError(
                f"circuit.network: {name} delays up to {hi * 1e3:g} ms; expected below pyramidal.t_refractory "
                f"({circuit.pyramidal.t_refractory_s * 1e3:g} ms: the NMDA saturation of a spike is read on arrival)")
    return connectivity


@dataclass(frozen=True)
class CircuitSpec:
    """What the network stage builds: the circuit, its receptor pharmacology, the seed, the recording.

    Attributes
    ----------
    circuit : CircuitConfig
        Cells, pathways, receptors, external drive, the VTA.
    pharmacology : PharmacologyConfig
        The block model and its constants (IC50s, trapping rates, NBQX).
    seed : int
        Root seed of every stream the sample draws from (:mod:`circuitsim.seeds`).
    trace_dt_s : float
        Sampling interval (s) of the recorded population traces.
    spine_slots : float
        0 for the calibrated E->E synapses; k >= 1 for a pool of potential
        synapses (spine slots) with k times the connection probability, whose
        weights the spines set (``plasticity.spines.slots_per_synapse``).
    e_to_i_slots : float
        The same for the E->I synapses (``plasticity.interneuron_wiring``):
        0 without E->I agents.
    connectivity : Connectivity, optional
        The synapses given explicitly (an imported SONATA network); None:
        drawn from the seed's named streams.
    recording : Recording, optional
        Cell variables to record (``recording`` of the config); None: none.
    """

    circuit: CircuitConfig
    pharmacology: PharmacologyConfig
    seed: int
    trace_dt_s: float
    spine_slots: float = 0.0
    e_to_i_slots: float = 0.0
    connectivity: Connectivity | None = None
    recording: Recording | None = None

    @classmethod
    def of(cls, config: Config) -> CircuitSpec:
        """The circuit of an experiment config."""
        p = config.plasticity
        slots = 0.0 if p is None else p.spines.slots_per_synapse
        wiring = None if p is None else p.interneuron_wiring
        return cls(circuit=config.circuit, pharmacology=config.pharmacology, seed=config.seed,
                   trace_dt_s=config.analysis.trace_dt_s, spine_slots=slots,
                   e_to_i_slots=0.0 if wiring is None else wiring.synapses.slots_per_synapse,
                   connectivity=None if config.circuit.network is None else network_connectivity(config.circuit),
                   recording=Recording.of(config))


@dataclass(frozen=True)
class SynapseWeights:
    """Relative weights of the synapses that agents set, each in its pathway's pair order.

    `e_to_e` in the order of :func:`circuitsim.network.build.e_to_e_pairs`,
    `e_to_i` in that of :func:`circuitsim.network.build.e_to_i_pairs`; None:
    the circuit's default for that pathway.
    """

    e_to_e: np.ndarray | None = None
    e_to_i: np.ndarray | None = None

    @classmethod
    def of(cls, weights: np.ndarray | SynapseWeights | None) -> SynapseWeights:
        """`weights` as a SynapseWeights (an array is the E->E weights)."""
        if isinstance(weights, SynapseWeights):
            return weights
        return cls(e_to_e=None if weights is None else np.asarray(weights, dtype=float))


@dataclass(frozen=True)
class DrugInput:
    """The concentrations the circuit sees, sampled every ``dt_s`` from t = 0 (uM).

    Attributes
    ----------
    duration_s : float
        How long the sample runs (s); the last value holds beyond the trace.
    ketamine_um : ndarray
        Ketamine concentration at the receptors (uM), one value per ``dt_s``.
    nbqx_um : ndarray or None
        NBQX concentration (uM) on the same grid, or None: the circuit is
        then built without the AMPA-block term (a different generated code).
    dt_s : float
        Sampling interval (s); :data:`DRUG_DT_S`.
    """

    duration_s: float
    ketamine_um: np.ndarray
    nbqx_um: np.ndarray | None = None
    dt_s: float = DRUG_DT_S

    def __post_init__(self) -> None:
        if self.dt_s != DRUG_DT_S:
            raise ValueError(f"DrugInput.dt_s: expected {DRUG_DT_S} s (the TimedArray step), got {self.dt_s}")
        if not self.duration_s > 0:
            raise ValueError(f"DrugInput.duration_s: expected > 0 s, got {self.duration_s}")
        for name in ("ketamine_um", "nbqx_um"):
            arr = getattr(self, name)
            if arr is None:
                continue
            arr = np.array(arr, dtype=np.float64)
            if arr.ndim != 1 or not np.all(np.isfinite(arr)) or np.any(arr < 0):
                raise ValueError(f"DrugInput.{name}: expected a 1-D array of finite concentrations >= 0 uM")
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)
        if self.nbqx_um is not None and len(self.nbqx_um) != len(self.ketamine_um):
            raise ValueError("DrugInput.nbqx_um: expected as many samples as ketamine_um, "
                             f"got {len(self.nbqx_um)} and {len(self.ketamine_um)}")

    @classmethod
    def of_protocol(cls, protocol: ProtocolConfig) -> DrugInput:
        """The wash-in of a bath protocol (:func:`circuitsim.pharmacology.bath.concentration_trace`)."""
        _, ketamine = concentration_trace(protocol, DRUG_DT_S)
        nbqx = concentration_trace(protocol, DRUG_DT_S, drug="nbqx")[1] if protocol.has_nbqx else None
        return cls(duration_s=protocol.duration_s, ketamine_um=ketamine, nbqx_um=nbqx)


@dataclass(frozen=True)
class Device:
    """Where and how Brian2 runs the sample (run options: they leave the model unchanged).

    ``threads`` 0 defers to ``$CIRCUITSIM_THREADS``
    (:func:`circuitsim.network.standalone.resolve_threads`).
    """

    codegen_target: Literal["cpp_standalone", "cython", "numpy"] = "cpp_standalone"
    threads: int = 0

    @classmethod
    def of(cls, config: Config) -> Device:
        """The device options of an experiment config."""
        return cls(codegen_target=config.codegen_target, threads=config.threads)


@dataclass(frozen=True)
class Stimulus:
    """A brief stimulus of some pyramidal cells: one AMPA conductance jump per pulse in each.

    Attributes
    ----------
    cells : ndarray
        0-based ids of the stimulated pyramidal cells (int64, distinct).
    times_s : ndarray
        Pulse times (s), increasing; the sample runs until ``stop_s``.
    g_pulse_s : float
        Size of the jump (S) in each stimulated cell's AMPA conductance.
    stop_s : float
        End of the sample (s): at least the drug's duration and past the last pulse.
    """

    cells: np.ndarray
    times_s: np.ndarray
    g_pulse_s: float
    stop_s: float

    def __post_init__(self) -> None:
        cells = np.array(self.cells, dtype=np.int64)
        times = np.array(self.times_s, dtype=np.float64)
        if cells.ndim != 1 or len(cells) == 0 or len(np.unique(cells)) != len(cells) or cells.min() < 0:
            raise ValueError("Stimulus.cells: expected a 1-D array of distinct cell ids >= 0")
        if times.ndim != 1 or len(times) == 0 or np.any(np.diff(times) <= 0) or times[0] < 0:
            raise ValueError("Stimulus.times_s: expected increasing pulse times >= 0 s")
        if not self.g_pulse_s > 0:
            raise ValueError(f"Stimulus.g_pulse_s: expected > 0 S, got {self.g_pulse_s}")
        if not self.stop_s > times[-1]:
            raise ValueError(f"Stimulus.stop_s: expected after the last pulse ({times[-1]} s), got {self.stop_s}")
        for name, arr in (("cells", cells), ("times_s", times)):
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)
