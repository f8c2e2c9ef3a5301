// The surrogate-gradient BPTT trainer behind the simulator's Learner seam (engine/sim/train.ts), so
// that `rule = surrogate_bptt` can run through the one training loop once the training plan
// carries the spiking network (the options below come from the IR: sizes, neuron, time_steps,
// surrogate). There is no hardware to program: deploy() only restarts the evaluation encoding
// stream, so every evaluation pass sees the same input spikes.
import type { Rng } from '../sim/rng';
import type { BatchResult, Learner, LearnerFactory } from '../sim/rules/types';
import { type SnnBpttOptions, SnnBpttTrainer } from './bptt';

export function createSnnBpttLearner(options: Partial<SnnBpttOptions>): LearnerFactory {
  return (ctx) => {
    const trainer = new SnnBpttTrainer(
      {
        seed: ctx.plan.seed,
        lr: ctx.plan.optimizer.lr,
        ...options,
        batch: Math.max(ctx.maxBatch, options.batch ?? 1),
      },
      ctx.kernels,
    );
    if (trainer.options.inputs !== ctx.plan.inputSize) {
      throw new Error(
        `surrogate_bptt: the network takes ${trainer.options.inputs} inputs, the dataset has ${ctx.plan.inputSize}`,
      );
    }
    let evalRng: Rng = trainer.evalEncodingRng();
    let rateSum = 0;
    let rateCount = 0;
    const learner: Learner = {
      trainBatch(x, labels, m, lr): BatchResult {
        const r = trainer.trainImages(x, labels, m, lr);
        rateSum += r.hiddenRate * m;
        rateCount += m;
        return { loss: r.loss, correct: r.correct };
      },
      deploy() {
        evalRng = trainer.evalEncodingRng();
      },
      inferBatch(x, labels, m): BatchResult {
        const r = trainer.inferImages(evalRng, x, labels, m);
        return { loss: r.loss, correct: r.correct };
      },
      epochMetrics() {
        const rate = rateCount > 0 ? rateSum / rateCount : 0;
        rateSum = 0;
        rateCount = 0;
        return { hidden_spike_rate: rate };
      },
    };
    return learner;
  };
}
