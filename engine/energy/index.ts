// Energy, latency and area estimates of a design (docs/energy.md).
export { ADC_REFERENCE, adcEnergy, meshHops, meshWidth } from './components';
export { conversions, type LayerCounts, layerCounts } from './counts';
export { EnergyError, type EstimateOptions, estimateEnergy } from './estimate';
export { formatReport, si } from './format';
