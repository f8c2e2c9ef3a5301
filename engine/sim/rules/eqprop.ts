// Placeholder until the learner lands (issue 6 work in progress): fails with a clear message.
import type { LearnerFactory } from './types';

export const createEqPropLearner: LearnerFactory = () => {
  throw new Error('equilibrium_prop: this learner is not implemented yet.');
};
