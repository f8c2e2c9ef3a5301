// Per-kind defaults of every device field, each with where it comes from. A value the text does
// not set takes the default here, and its citation goes into DeviceModel.provenance, so a user
// (and a report) can always see whether a number was theirs or ours, and why ours is what it is.
//
// Honesty rule: most of these are *nominal* round numbers of the right order for the technology,
// not fits to one measured device; the citation says so. `simulated` marks the kinds the engine
// models with their own physics (docs/engine-devices.md); photonic and digital cells elaborate but
// run on the generic crossbar model (conductance window, levels, noise, stuck-at), and the checker warns.
import type { DeviceKind, DeviceModel, DriftModel, PulsedUpdateModel, ResonatorModel } from '../ir/model';

export interface Sourced<T> {
  value: T;
  source: string;
}

/** The IR fields that have per-kind defaults (everything in DeviceModel but names and ranges). */
export type DeviceParam =
  | 'gMin'
  | 'gMax'
  | 'levels'
  | 'programNoise'
  | 'readNoise'
  | 'stuckAtGMin'
  | 'stuckAtGMax'
  | 'readEnergy'
  | 'writeEnergy';

/** Optional parts of the device model a kind has by default (absent: only when written). */
export interface DeviceExtras {
  update?: Sourced<PulsedUpdateModel>;
  drift?: Sourced<DriftModel>;
  endurance?: Sourced<number>;
  tempCoeff?: Sourced<number>;
  latency?: Sourced<number>;
  area?: Sourced<number>;
  resonator?: Sourced<ResonatorModel>;
}

export interface KindDefaults {
  extras?: DeviceExtras;
  /** Whether the engine simulates this kind with its own semantics (else: generic model + warning). */
  simulated: boolean;
  summary: string;
  params: { [K in DeviceParam]: Sourced<DeviceModel[K]> };
}

/** DSL field path -> IR field. `energy.read` is the `read` field of the `energy { }` block. */
export const DSL_TO_PARAM: Readonly<Record<string, DeviceParam>> = {
  g_min: 'gMin',
  g_max: 'gMax',
  levels: 'levels',
  program_noise: 'programNoise',
  read_noise: 'readNoise',
  stuck_at_gmin: 'stuckAtGMin',
  stuck_at_gmax: 'stuckAtGMax',
  'energy.read': 'readEnergy',
  'energy.write': 'writeEnergy',
};

// Sources quoted by several kinds.
const WONG_RRAM = 'H.-S. P. Wong et al., "Metal-oxide RRAM", Proc. IEEE 100(6):1951-1970, 2012';
const YU_2018 =
  'S. Yu, "Neuro-inspired computing with emerging nonvolatile memory", Proc. IEEE 106(2):260-285, 2018';
const AIHWKIT_PCM =
  'IBM aihwkit PCMLikeNoiseModel (g_max = 25 uS), after Joshi et al., Nat. Commun. 11:2473, 2020';
const SEED_003 = 'seed 003 (RF spintronic MLP, 20 nm MTJs): 10 fJ per synaptic operation';
const NO_FAULTS = 'default 0: set stuck_at_gmin / stuck_at_gmax to study faults';
const PLACEHOLDER = 'placeholder so the generic crossbar model elaborates; this kind is not simulated yet';

const s = <T>(value: T, source: string): Sourced<T> => ({ value, source });

const AIHWKIT = 'IBM aihwkit';
/** aihwkit PulsedDevice defaults: dw_min 0.001, dw_min_dtod 0.3, dw_min_std 0.3, up_down 0, w in +-0.6. */
export const PULSED_DEVICE_DEFAULTS: Sourced<PulsedUpdateModel> = s(
  {
    dwMin: 0.001,
    upDown: 0,
    dtod: 0.3,
    ctoc: 0.3,
    softBounds: false,
    nonlinearity: 0,
    wMin: -0.6,
    wMax: 0.6,
  },
  `${AIHWKIT} PulsedDevice defaults (dw_min 0.001, dw_min_dtod 0.3, dw_min_std 0.3, up_down 0, w_max 0.6, w_min -0.6)`,
);
/** Gokmen & Vlasov, Front. Neurosci. 10:333, 2016 (aihwkit GokmenVlasovPreset). */
export const GOKMEN_VLASOV: Sourced<PulsedUpdateModel> = s(
  { dwMin: 0.0016, upDown: 0, dtod: 0.3, ctoc: 0.3, softBounds: false, nonlinearity: 0, wMin: -1, wMax: 1 },
  'Gokmen & Vlasov, Front. Neurosci. 10:333, 2016 (aihwkit GokmenVlasovPreset): dw_min 0.0016 (~1,200 states), 30% d2d, 30% c2c, w in +-1',
);
const RERAM_SB: Sourced<PulsedUpdateModel> = s(
  {
    dwMin: 0.002,
    upDown: 0,
    dtod: 0.3,
    ctoc: 0.3,
    softBounds: true,
    nonlinearity: 1,
    wMin: -0.75,
    wMax: 1.25,
  },
  `${AIHWKIT} ReRAM soft-bounds preset: dw_min 0.002, w_max 1.25, w_min -0.75 (spreads: PulsedDevice defaults 0.3)`,
);
const PCM_UPDATE: Sourced<PulsedUpdateModel> = s(
  { dwMin: 0.01, upDown: 0, dtod: 0.3, ctoc: 0.3, softBounds: false, nonlinearity: 1, wMin: 0, wMax: 2 },
  `${AIHWKIT} PCM preset: exponential (non-linear) steps, dw_min 0.01, w in 0..2 (spreads: PulsedDevice defaults 0.3)`,
);
const ECRAM_UPDATE: Sourced<PulsedUpdateModel> = s(
  { dwMin: 0.002, upDown: 0, dtod: 0.1, ctoc: 0.1, softBounds: false, nonlinearity: 0, wMin: -1, wMax: 1 },
  'symmetric steps of ~1,000 states over w in +-1 (dw_min 0.002), J. Tang et al., IEDM 2018; spreads nominal 10%',
);
const PCM_DRIFT: Sourced<DriftModel> = s(
  { nu: 0.049, t0: 20 },
  `${AIHWKIT} PCMLikeNoiseModel: t0 = 20 s; nu = -0.0155 ln(g/g_max) + 0.0244 clamped to [0.049, 0.1] is 0.049 for g/g_max >= 0.2`,
);
const READ_10NS = s(10e-9, 'nominal 10 ns read (the t of the E = V^2 G t estimate)');

const IDEAL: KindDefaults = {
  simulated: true,
  extras: {
    update: s(
      { dwMin: 0.001, upDown: 0, dtod: 0, ctoc: 0, softBounds: false, nonlinearity: 0, wMin: -1, wMax: 1 },
      'ideal: aihwkit PulsedDevice dw_min 0.001 without spreads, w in +-1',
    ),
  },
  summary: 'a perfect analog weight: continuous, noiseless, fault-free',
  params: {
    gMin: s(
      1e-6,
      'normalisation only: an ideal device maps weights linearly onto [g_min, g_max]; 1-100 uS as rram',
    ),
    gMax: s(
      100e-6,
      'normalisation only: an ideal device maps weights linearly onto [g_min, g_max]; 1-100 uS as rram',
    ),
    levels: s(null, 'ideal: continuous (no quantisation)'),
    programNoise: s(0, 'ideal: no programming noise'),
    readNoise: s(0, 'ideal: no read noise'),
    stuckAtGMin: s(0, 'ideal: no stuck devices'),
    stuckAtGMax: s(0, 'ideal: no stuck devices'),
    readEnergy: s(10e-15, `nominal, as ${SEED_003}`),
    writeEnergy: s(1e-12, 'nominal 1 pJ per write pulse (same order as the rram default)'),
  },
};

const RRAM: KindDefaults = {
  simulated: true,
  extras: {
    update: RERAM_SB,
    endurance: s(1e6, `nominal 10^6 cycles, low end of the 10^6..10^12 reviewed in ${WONG_RRAM}`),
    latency: READ_10NS,
    area: s(4, 'nominal 4F^2 crossbar cell'),
  },
  summary: 'filamentary metal-oxide (HfOx/TaOx) resistive RAM, analog multilevel 1T1R cell',
  params: {
    gMin: s(1e-6, `nominal HRS of 1 MOhm (on/off ratio 100), within the ranges reviewed in ${WONG_RRAM}`),
    gMax: s(100e-6, `nominal LRS of 10 kOhm (on/off ratio 100), within the ranges reviewed in ${WONG_RRAM}`),
    levels: s(32, `nominal 5-bit multilevel cell; analog RRAM reports span a few to 64+ levels (${YU_2018})`),
    programNoise: s(
      0.05,
      `nominal 5% of the window; an assumption, not a fit (for scale: ${AIHWKIT_PCM} gives about 4% ` +
        'mid-range for PCM, and RRAM write variability is usually larger)',
    ),
    readNoise: s(0.01, 'nominal 1% of the window per read; an assumption, not a fit'),
    stuckAtGMin: s(0, NO_FAULTS),
    stuckAtGMax: s(0, NO_FAULTS),
    readEnergy: s(20e-15, 'first-order estimate E = V^2 G t: (0.2 V)^2 x 50 uS x 10 ns = 20 fJ'),
    writeEnergy: s(
      1.5e-12,
      'first-order estimate E = V I t for a 1.5 V, 100 uA, 10 ns SET/RESET pulse = 1.5 pJ',
    ),
  },
};

const PCM: KindDefaults = {
  simulated: true,
  extras: {
    update: PCM_UPDATE,
    drift: PCM_DRIFT,
    endurance: s(
      1e8,
      'nominal 10^8 cycles, H.-S. P. Wong et al., "Phase change memory", Proc. IEEE 98(12), 2010',
    ),
    latency: READ_10NS,
  },
  summary:
    'phase-change memory: conductance-dependent programming noise, drift, 1/f read noise (aihwkit PCMLikeNoiseModel)',
  params: {
    gMin: s(0.1e-6, `nominal RESET state of 10 MOhm (${AIHWKIT_PCM} takes g_min = 0; ours must be > 0)`),
    gMax: s(25e-6, AIHWKIT_PCM),
    levels: s(null, 'continuous: iterative program-and-verify; precision is limited by programming noise'),
    programNoise: s(
      0.04,
      `${AIHWKIT_PCM}: sigma = 0.26348 + 1.9650 g - 1.1731 g^2 uS at g = 0.5 is 0.95 uS, 3.8% of 25 uS`,
    ),
    readNoise: s(0.01, 'nominal 1% of the window per read; an assumption, not a fit'),
    stuckAtGMin: s(0, NO_FAULTS),
    stuckAtGMax: s(0, NO_FAULTS),
    readEnergy: s(5e-15, 'first-order estimate E = V^2 G t: (0.2 V)^2 x 12.5 uS x 10 ns = 5 fJ'),
    writeEnergy: s(
      10e-12,
      'nominal order of a RESET pulse, H.-S. P. Wong et al., "Phase change memory", Proc. IEEE 98(12), 2010',
    ),
  },
};

/** Kinds with no measured basis in this table yet: a generic multilevel cell with a stated basis. */
function generic(
  summary: string,
  levels: number | null,
  levelsSource: string,
  extra: Partial<KindDefaults['params']> = {},
  extras: DeviceExtras = {},
) {
  const d: KindDefaults = {
    simulated: false,
    summary,
    extras,
    params: {
      gMin: s(1e-6, PLACEHOLDER),
      gMax: s(100e-6, PLACEHOLDER),
      levels: s(levels, levelsSource),
      programNoise: s(0.02, `${PLACEHOLDER}; nominal 2%`),
      readNoise: s(0.01, `${PLACEHOLDER}; nominal 1%`),
      stuckAtGMin: s(0, NO_FAULTS),
      stuckAtGMax: s(0, NO_FAULTS),
      readEnergy: s(10e-15, `nominal, as ${SEED_003}`),
      writeEnergy: s(1e-12, `${PLACEHOLDER}; nominal 1 pJ`),
      ...extra,
    },
  };
  return d;
}

/** A kind whose own physics the engine models (see docs/engine-devices.md), on generic defaults. */
const modelled = (d: KindDefaults): KindDefaults => ({ ...d, simulated: true });

export const DEVICE_DEFAULTS: Readonly<Record<DeviceKind, KindDefaults>> = {
  ideal: IDEAL,
  rram: RRAM,
  pcm: PCM,
  fefet: modelled(
    generic(
      'ferroelectric FET synapse (pulsed updates as aihwkit PulsedDevice)',
      32,
      '5-bit: 32 levels as reported by M. Jerry et al., "Ferroelectric FET analog synapse...", IEDM 2017',
      {},
      { update: PULSED_DEVICE_DEFAULTS, endurance: s(1e10, 'nominal 10^10 cycles (HfO2 FeFET order)') },
    ),
  ),
  ecram: modelled(
    generic(
      'electrochemical RAM synapse (pulsed updates as aihwkit PulsedDevice)',
      1000,
      'of the order of 1000 symmetric states, J. Tang et al., "ECRAM as scalable synaptic cell...", IEDM 2018',
      {},
      { update: ECRAM_UPDATE },
    ),
  ),
  mram: modelled(
    generic(
      'binary magnetic tunnel junction (binary weights; writes that may fail: switch_prob)',
      2,
      'binary: parallel / antiparallel states',
      {
        gMin: s(80e-6, 'nominal MTJ: R_AP = 12.5 kOhm (R_P = 5 kOhm, TMR = 150%)'),
        gMax: s(200e-6, 'nominal MTJ: R_P = 5 kOhm'),
        programNoise: s(
          0,
          'binary device: a programming error is a failed switch (switch_prob), not a Gaussian error',
        ),
      },
      { endurance: s(1e15, 'nominal: STT-MRAM endurance beyond 10^15 cycles'), latency: READ_10NS },
    ),
  ),
  spin_resonator: modelled(
    generic(
      'RF spintronic resonator synapse (seed 003): V_DC = W(f_RF - f_res) P_RF on rf_chain tiles',
      null,
      'continuous: the weight is set by f_res',
      {},
      {
        resonator: s(
          { fResMin: 2e9, fResMax: 4e9, linewidth: 40e6 },
          'seed 003 RF spintronic MLP (DSL.md example): f_res tunable over 2.0-4.0 GHz, linewidth 40 MHz',
        ),
      },
    ),
  ),
  stochastic_memristor: modelled(
    generic(
      'memristor used as a random source (Bayesian machine, MCMC proposals; seed 002)',
      2,
      'binary: the cell is read as a random bit stream',
    ),
  ),
  photonic_pcm: generic(
    'PCM cell on a waveguide (photonic tensor core)',
    32,
    `${PLACEHOLDER}; nominal 5-bit`,
  ),
  ring: generic(
    'thermally tuned microring weight (photonic tensor core)',
    null,
    'continuous: the weight is a detuning',
  ),
  sram: generic('digital SRAM cell (1 bit per cell)', 2, 'digital: one bit per cell', {
    programNoise: s(0, 'digital: exact writes'),
    readNoise: s(0, 'digital: exact reads'),
  }),
};
