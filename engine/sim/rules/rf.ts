// Placeholder until the learner lands (issue 6 work in progress): fails with a clear message.
import type { LearnerFactory } from './types';

export const createRfLearner: LearnerFactory = () => {
  throw new Error('RF spintronic chains: this learner is not implemented yet.');
};
