// Which learner runs a plan. The rule decides, except that layers on RF resonator chains are
// trained by the RF learner (their parameters are resonance frequencies, not conductances).
import { snnLearnerFor } from '../../snn/learners';
import { isSnnPlan } from '../../snn/plan';
import type { TrainingPlan } from '../plan';
import { isWeightLayer } from '../plan';
import { createBackpropLearner } from './backprop';
import { createBayesLearner } from './bayes';
import { createEqPropLearner } from './eqprop';
import { createInSituLearner } from './in-situ';
import { createMcmcLearner } from './mcmc';
import { createRfLearner } from './rf';
import type { LearnerFactory } from './types';

export function learnerFor(plan: TrainingPlan): LearnerFactory {
  // Spiking networks: the rule is one of the spiking rules (engine/snn/plan.ts).
  if (isSnnPlan(plan)) return snnLearnerFor(plan);
  const kinds = new Set(plan.layers.filter(isWeightLayer).map((l) => l.tile.kind));
  if (kinds.has('rf_chain')) return createRfLearner;
  if (kinds.has('bayesian_array') && plan.rule !== 'naive_bayes') {
    throw new Error(
      `Experiment "${plan.experiment}": a bayesian_array is trained by counting; use rule = naive_bayes.`,
    );
  }
  switch (plan.rule) {
    case 'backprop':
    case 'hw_aware':
    case 'feedback_alignment':
    case 'dfa':
      return createBackpropLearner;
    case 'in_situ':
      return createInSituLearner;
    case 'equilibrium_prop':
      return createEqPropLearner;
    case 'mcmc':
      return createMcmcLearner;
    case 'naive_bayes':
      return createBayesLearner;
  }
}
