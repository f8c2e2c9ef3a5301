// A Monarch tokenizer for .nfab: enough colour to read a chip description (declarations, kinds,
// fields, quantities with units). The DSL issue replaces this with semantic tokens from the
// language service; the keyword lists follow docs/dsl and engine/dsl.
import type * as Monaco from 'monaco-editor/editor';
import { OPTIMIZERS, TILE_KINDS } from '../../../engine/dsl/schema';
import { ACTIVATIONS, DATASETS, DEVICE_KINDS, LEARNING_RULES, NEURON_KINDS } from '../../../engine/ir/model';

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

/** Built-in kinds: devices, neurons, tiles, learning rules, optimizers, datasets (from the IR and schema). */
const KINDS = [
  ...DEVICE_KINDS,
  ...NEURON_KINDS,
  ...ACTIVATIONS,
  ...TILE_KINDS,
  ...LEARNING_RULES,
  ...Object.keys(OPTIMIZERS),
  ...DATASETS,
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
