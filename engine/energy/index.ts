// Energy, latency and area estimates of a design (docs/energy.md).

export { type AreaTerm, cellArea, chipArea, crossbarAdcs, crossbarCells } from './area';
export { ADC_REFERENCE, adcEnergy, meshHops, meshWidth } from './components';
export { conversions, type LayerCounts, layerCounts } from './counts';
export { EnergyError, type EnergyEstimate, type EstimateOptions, estimateEnergy } from './estimate';
export { formatReport, si } from './format';
export { adcConversionsPerPass, type LatencyTerm } from './timing';
