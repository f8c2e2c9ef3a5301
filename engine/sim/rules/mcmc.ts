// Placeholder until the learner lands (issue 6 work in progress): fails with a clear message.
import type { LearnerFactory } from './types';

export const createMcmcLearner: LearnerFactory = () => {
  throw new Error('mcmc: this learner is not implemented yet.');
};
