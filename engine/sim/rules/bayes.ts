// Placeholder until the learner lands (issue 6 work in progress): fails with a clear message.
import type { LearnerFactory } from './types';

export const createBayesLearner: LearnerFactory = () => {
  throw new Error('naive_bayes: this learner is not implemented yet.');
};
