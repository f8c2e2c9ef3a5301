// Gradient rules on the analog network (docs/engine-rules-gradient.md):
//  - backprop: software training. Forward and backward use the exact float weights (no devices, no
//    converters); only deploy() puts them on the chip, where programming noise, levels, stuck-at
//    faults, converters and read noise act at evaluation. The baseline hardware-aware training
//    has to beat.
//  - hw_aware: every training forward pass goes through the modelled devices (a fresh
//    programming each step, with its noise, levels and faults, then DAC/ADC and read noise), with
//    straight-through gradients to the float master weights.
//  - feedback_alignment (Lillicrap et al., Nat. Commun. 7:13276, 2016) and dfa (Nøkland, NeurIPS
//    2016): the forward pass as hw_aware; the error reaches the hidden layers through fixed random
//    matrices instead of the transposed weights.
// Binary layers (2-level devices) and sign neurons work under every one of them (network.ts).
import { AnalogNetwork, type FeedbackMode } from '../network';
import { createOptimizer } from '../optim';
import type { Learner, LearnerFactory } from './types';
import { rngFor } from './types';

/** Random stream of the fixed feedback matrices (learner streams start at 100: rules/types.ts). */
export const FEEDBACK_STREAM = 100;
/** aihwkit WeightClipParameter(type=LAYER_GAUSSIAN, sigma=2.5) in its hardware-aware training examples. */
export const HW_AWARE_CLIP_SIGMA = 2.5;
/** Random stream of device ageing at deploy (drift, temperature). */
export const AGE_STREAM = 101;

export const createBackpropLearner: LearnerFactory = (ctx) => {
  const { plan, kernels, maxBatch, log } = ctx;
  const feedback: FeedbackMode =
    plan.rule === 'feedback_alignment' ? 'feedback_alignment' : plan.rule === 'dfa' ? 'dfa' : 'backprop';
  const net = new AnalogNetwork(plan.layers, maxBatch, kernels, rngFor(plan, 'init'), rngFor(plan, 'stuck'), {
    feedback,
    feedbackRng: rngFor(plan, FEEDBACK_STREAM),
  });
  const hardwareTraining = plan.rule !== 'backprop';
  for (const L of net.layers) {
    if (L.plan.tile.adcBits === 1 && L.plan.activation !== 'sign') {
      log(
        'info',
        `layer "${L.plan.name}": a 1-bit ADC feeding a ${L.plan.activation} neuron is read as a multi-bit ` +
          'popcount (ideal ADC); a 1-bit ADC is only a sense amplifier in front of a sign neuron.',
      );
    }
  }
  // Hardware-aware training also clips the master weights of layers on non-exact devices to
  // ±2.5 σ of the layer after every update (aihwkit WeightClipType.LAYER_GAUSSIAN, sigma 2.5, the
  // setting of its hardware-aware training examples).
  // DSL train field `clip_sigma`; 0 = off.
  const clipSigma = plan.rule === 'hw_aware' ? (plan.clipSigma ?? HW_AWARE_CLIP_SIGMA) : 0;
  const clipped = net.layers.filter((L) => !L.binary && !L.xbar.array.exact);
  const optimizer = createOptimizer(plan.optimizer);
  const programRng = rngFor(plan, 'program');
  const readRng = rngFor(plan, 'read');
  const evalProgramRng = rngFor(plan, 'evalProgram');
  const evalReadRng = rngFor(plan, 'evalRead');
  const ageRng = rngFor(plan, AGE_STREAM);
  const learner: Learner = {
    trainBatch(x, labels, m, lr) {
      if (hardwareTraining) net.program(programRng);
      net.forward(x, m, readRng, hardwareTraining ? 'hardware' : 'software');
      const r = net.loss(labels, m, true);
      net.backward(x, m);
      optimizer.beginStep(lr);
      net.layers.forEach((L, li) => {
        optimizer.step(2 * li, L.w, L.gw);
        if (L.plan.bias) optimizer.step(2 * li + 1, L.b, L.gb);
      });
      net.clipShadowWeights();
      if (clipSigma > 0) for (const L of clipped) L.clipGaussian(clipSigma);
      return r;
    },
    deploy() {
      // One programming of the final weights, then ageing to the conditions of plan.infer, read
      // now: a script may change them between evaluations of the same trained learner.
      net.program(evalProgramRng);
      net.age(plan.infer.time, plan.infer.temperature, ageRng);
      for (const L of net.layers) L.xbar.resetCounters();
    },
    inferBatch(x, labels, m) {
      net.forward(x, m, evalReadRng, 'hardware');
      return net.loss(labels, m, false);
    },
    epochMetrics(): Record<string, number> {
      // ADC diagnostics of the evaluation pass just run (counters reset at deploy).
      let conversions = 0;
      let saturations = 0;
      let reads = 0;
      for (const L of net.layers) {
        conversions += L.xbar.counters.adcConversions;
        saturations += L.xbar.counters.adcSaturations;
        reads += L.xbar.counters.boundManagementReads;
      }
      if (conversions === 0) return {};
      return { adc_saturation: saturations / conversions, bound_management_reads: reads };
    },
  };
  return learner;
};
