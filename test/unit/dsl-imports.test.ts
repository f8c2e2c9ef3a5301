import { describe, expect, it } from 'vitest';
import { resolvePath } from '../../engine/dsl/imports';
import { checkDocument, formatDiagnostic } from '../../engine/dsl/index';

const LIB = `device rram_dev : rram { g_min = 1uS  g_max = 100uS }\n`;
const MAIN = `import "lib/devices.nfab"
chip c {
  tile xbar : crossbar(rows = 256, cols = 256) { device = rram_dev  count = 8 }
}
network n {
  input x : 28x28
  dense h : 64 on xbar
  dense y : 10 on xbar
}
experiment e { chip = c  network = n  dataset = mnist }
`;

const reader = (files: Record<string, string>) => (p: string) => files[p] ?? null;
const shown = (text: string, files: Record<string, string>, file = 'proj/main.nfab') =>
  checkDocument(file, text, { readFile: reader(files) })
    .diagnostics.filter((d) => d.severity !== 'info')
    .map(formatDiagnostic);

describe('import', () => {
  it('resolves relative to the importing file and merges the model', () => {
    const r = checkDocument('proj/main.nfab', MAIN, { readFile: reader({ 'proj/lib/devices.nfab': LIB }) });
    expect(r.hasErrors).toBe(false);
    expect(r.model.devices.map((d) => d.name)).toEqual(['rram_dev']);
    expect(r.model.experiments.map((e) => e.name)).toEqual(['e']);
  });

  it('normalises paths', () => {
    expect(resolvePath('a/b', '../lib/x.nfab')).toBe('a/lib/x.nfab');
    expect(resolvePath('', './x.nfab')).toBe('x.nfab');
    expect(resolvePath('a', '../../x.nfab')).toBe('../x.nfab');
  });

  it('a missing file is one error at the import (references into it stay quiet)', () => {
    expect(shown(MAIN, {})).toEqual([
      'proj/main.nfab:1:8: error: cannot import "lib/devices.nfab": no such file (proj/lib/devices.nfab)',
    ]);
  });

  it('without a reader (2-argument call) an import is an error', () => {
    expect(checkDocument('m.nfab', 'import "x.nfab"\n').diagnostics.map(formatDiagnostic)).toEqual([
      'm.nfab:1:8: error: cannot import "x.nfab" here: no file access was given to the checker',
    ]);
  });

  it('a cycle is reported with its path', () => {
    const files = { 'a.nfab': 'import "b.nfab"\n', 'b.nfab': 'import "a.nfab"\n' };
    expect(shown(files['a.nfab'], files, 'a.nfab')).toEqual([
      'a.nfab:1:8: error: imported file b.nfab has 1 error; first: b.nfab:1:8: cyclic import: a.nfab -> b.nfab -> a.nfab',
    ]);
  });

  it('duplicate names across files name both locations', () => {
    const text = `${MAIN}device rram_dev : ideal {}\n`;
    expect(shown(text, { 'proj/lib/devices.nfab': LIB })).toEqual([
      "proj/main.nfab:11:8: error: device 'rram_dev' is already declared in proj/lib/devices.nfab:1:8 (again at proj/main.nfab:11:8); names must be unique across imported files",
    ]);
  });

  it("an imported file's errors are summarised at the import statement", () => {
    const bad = 'device rram_dev : rram { g_max = 5ns }\n';
    expect(shown(MAIN, { 'proj/lib/devices.nfab': bad })).toEqual([
      'proj/main.nfab:1:8: error: imported file proj/lib/devices.nfab has 1 error; first: proj/lib/devices.nfab:1:34: g_max: expected a conductance (S, e.g. 25uS), got a time (5ns)',
    ]);
  });

  it('a diamond loads the shared file once', () => {
    const files = {
      'm.nfab': 'import "a.nfab"\nimport "b.nfab"\n',
      'a.nfab': 'import "d.nfab"\n',
      'b.nfab': 'import "d.nfab"\n',
      'd.nfab': LIB,
    };
    const r = checkDocument('m.nfab', files['m.nfab'], { readFile: reader(files) });
    expect(r.diagnostics).toEqual([]);
    expect(r.model.devices.map((d) => d.name)).toEqual(['rram_dev']);
  });
});
