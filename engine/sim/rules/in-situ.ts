// Placeholder until the learner lands (issue 6 work in progress): fails with a clear message.
import type { LearnerFactory } from './types';

export const createInSituLearner: LearnerFactory = () => {
  throw new Error('in_situ: this learner is not implemented yet.');
};
