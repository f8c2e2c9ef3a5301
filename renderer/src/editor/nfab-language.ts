// A Monarch tokenizer for .nfab: enough colour to read a chip description (declarations, kinds,
// fields, quantities with units). The DSL issue replaces this with semantic tokens from the
// language service; the keyword lists follow docs/dsl and engine/dsl.
import type * as Monaco from 'monaco-editor/editor';

export const NFAB_LANGUAGE_ID = 'nfab';

/** Words that open a declaration or a clause. */
const KEYWORDS = [
  'import',
  'device',
  'neuron',
  'chip',
  'tile',
  'core',
  'router',
  'memory',
  'network',
  'experiment',
  'input',
  'dense',
  'conv2d',
  'pool',
  'flatten',
  'spiking',
  'recurrent',
  'on',
  'in',
  'train',
  'infer',
  'sweep',
  'seed',
  'dataset',
  'node',
  'clock',
  'energy',
  'latency',
  'area',
  'drift',
];

/** Built-in kinds: devices, neurons, tiles, learning rules, optimizers, datasets. */
const KINDS = [
  'ideal',
  'rram',
  'pcm',
  'fefet',
  'ecram',
  'mram',
  'spin_resonator',
  'stochastic_memristor',
  'photonic_pcm',
  'ring',
  'sram',
  'relu',
  'sigmoid',
  'tanh',
  'sign',
  'softmax',
  'lif',
  'cuba_lif',
  'adex',
  'oscillator',
  'loihi_cuba',
  'crossbar',
  'rf_chain',
  'spiking_core',
  'digital_mac',
  'photonic_mesh',
  'bayesian_array',
  'backprop',
  'hw_aware',
  'in_situ',
  'feedback_alignment',
  'dfa',
  'surrogate_bptt',
  'eprop',
  'stdp',
  'three_factor',
  'equilibrium_prop',
  'sgd',
  'adam',
  'momentum',
  'mnist',
  'fashion_mnist',
  'synthetic',
];

const CONSTANTS = ['true', 'false', 'none', 'continuous'];

export function registerNfabLanguage(monaco: typeof Monaco): void {
  monaco.languages.register({ id: NFAB_LANGUAGE_ID, extensions: ['.nfab'], aliases: ['Neurofab', 'nfab'] });
  monaco.languages.setLanguageConfiguration(NFAB_LANGUAGE_ID, {
    comments: { lineComment: '//', blockComment: ['/*', '*/'] },
    brackets: [
      ['{', '}'],
      ['[', ']'],
      ['(', ')'],
    ],
    autoClosingPairs: [
      { open: '{', close: '}' },
      { open: '[', close: ']' },
      { open: '(', close: ')' },
      { open: '"', close: '"', notIn: ['string', 'comment'] },
    ],
    surroundingPairs: [
      { open: '{', close: '}' },
      { open: '[', close: ']' },
      { open: '(', close: ')' },
      { open: '"', close: '"' },
    ],
    indentationRules: { increaseIndentPattern: /\{[^}]*$/, decreaseIndentPattern: /^\s*\}/ },
  });
  monaco.languages.setMonarchTokensProvider(NFAB_LANGUAGE_ID, {
    defaultToken: '',
    keywords: KEYWORDS,
    kinds: KINDS,
    constants: CONSTANTS,
    tokenizer: {
      root: [
        { include: '@whitespace' },
        [/"/, 'string', '@string'],
        // Shapes (28x28) before quantities, or `x28` would read as a unit.
        [/\d+(?:x\d+)+\b/, 'number'],
        [/(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)([a-zA-Z\u00b5\u03bc\u03a9\u2126%]+)/, ['number', 'unit']],
        [/\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/, 'number'],
        // A name directly followed by `=` is a field being set.
        [/[a-zA-Z_]\w*(?=\s*=(?!=))/, 'field'],
        [
          /[a-zA-Z_]\w*/,
          {
            cases: {
              '@keywords': 'keyword',
              '@kinds': 'type',
              '@constants': 'constant',
              '@default': 'identifier',
            },
          },
        ],
        [/\.\./, 'operator'],
        [/[{}()[\]]/, '@brackets'],
        [/[=:,;.-]/, 'delimiter'],
      ],
      whitespace: [
        [/\s+/, 'white'],
        [/\/\/.*$/, 'comment'],
        [/\/\*/, 'comment', '@blockComment'],
      ],
      blockComment: [
        [/[^/*]+/, 'comment'],
        [/\*\//, 'comment', '@pop'],
        [/[/*]/, 'comment'],
      ],
      string: [
        [/[^\\"]+/, 'string'],
        [/\\./, 'string.escape'],
        [/"/, 'string', '@pop'],
      ],
    },
  } as Monaco.languages.IMonarchLanguage);
}
