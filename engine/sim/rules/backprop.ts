// Gradient rules on the analog network: backprop, hw_aware, feedback_alignment, dfa.
import { AnalogNetwork } from '../network';
import { createOptimizer } from '../optim';
import { isWeightLayer } from '../plan';
import type { Learner, LearnerFactory } from './types';
import { rngFor } from './types';

export const createBackpropLearner: LearnerFactory = (ctx) => {
  const { plan, kernels, maxBatch } = ctx;
  const layers = plan.layers.filter(isWeightLayer);
  const net = new AnalogNetwork(layers, maxBatch, kernels, rngFor(plan, 'init'), rngFor(plan, 'stuck'));
  const optimizer = createOptimizer(plan.optimizer);
  const programRng = rngFor(plan, 'program');
  const readRng = rngFor(plan, 'read');
  const evalProgramRng = rngFor(plan, 'evalProgram');
  const evalReadRng = rngFor(plan, 'evalRead');
  const learner: Learner = {
    trainBatch(x, labels, m, lr) {
      net.program(programRng);
      net.forward(x, m, readRng);
      const r = net.loss(labels, m, true);
      net.backward(x, m);
      optimizer.beginStep(lr);
      net.layers.forEach((L, li) => {
        optimizer.step(2 * li, L.w, L.gw);
        if (L.plan.bias) optimizer.step(2 * li + 1, L.b, L.gb);
      });
      return r;
    },
    deploy() {
      net.program(evalProgramRng);
    },
    inferBatch(x, labels, m) {
      net.forward(x, m, evalReadRng);
      return net.loss(labels, m, false);
    },
  };
  return learner;
};
