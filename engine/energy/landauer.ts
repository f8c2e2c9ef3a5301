// The Landauer floor of one classification: kT·ln2 per bit erased, times the bits a
// classification must at least erase. Landauer, "Irreversibility and heat generation in the
// computing process", IBM J. Res. Dev. 5:183 (1961).
//
// Which bits? A classifier that is to be used again must reset its output register: the
// decision among C classes leaves log2(C) bits that are erased before the next input. That is
// the smallest count every classifier shares (a reversible design could in principle keep the
// input and the intermediate values), so it is the floor; erasing the whole input (784 × 8 bits
// of an MNIST image) would be a higher, design-dependent bound. docs/ui-energy.md discusses it.

/** Boltzmann constant, J/K (SI 2019, exact). */
export const BOLTZMANN = 1.380649e-23;
/** Room temperature, K: the temperature seed 003 quotes the floor at. */
export const ROOM_TEMPERATURE = 300;

/** kT·ln2: the least heat released by erasing one bit at temperature T (J). */
export function landauerPerBit(temperature = ROOM_TEMPERATURE): number {
  return BOLTZMANN * temperature * Math.LN2;
}

export interface LandauerFloor {
  /** J per classification. */
  energyPerClassification: number;
  /** Bits erased per classification. */
  bits: number;
  assumption: string;
}

/** The floor for a C-class decision: log2(C) bits erased at T (default 300 K). */
export function landauerFloor(classes = 10, temperature = ROOM_TEMPERATURE): LandauerFloor {
  if (!(classes >= 2)) throw new Error(`a classification needs at least 2 classes, got ${classes}`);
  const bits = Math.log2(classes);
  return {
    energyPerClassification: bits * landauerPerBit(temperature),
    bits,
    assumption:
      `kT·ln2 at ${temperature} K per bit × log2(${classes}) = ${bits.toFixed(2)} bits: ` +
      `the ${classes}-class decision erased before the next input (Landauer 1961)`,
  };
}
