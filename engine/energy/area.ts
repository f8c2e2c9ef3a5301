// Chip area: cells + periphery (ADCs, DACs, other per-tile circuits) + routers, each as count x
// unit area with its source, for every tile copy the chip declares (the chip's area, not only the
// part one network uses). A part the design gives no area for is listed, never guessed.
import type { Chip, CoreTile, CrossbarTile, DeviceModel, ElaboratedModel } from '../ir/model';
import { fmt } from './format';

export interface AreaTerm {
  /** Tile the term belongs to; null for chip-level parts. */
  tile: string | null;
  component: 'cells' | 'adc' | 'dac' | 'periphery' | 'router';
  what: string;
  count: number;
  /** m² per count. */
  unitArea: number;
  /** m² = count × unitArea. */
  area: number;
  source: string;
}

export interface AreaEstimate {
  /** Sum of the terms (m²); null when no part of the chip has an area. */
  area: number | null;
  terms: AreaTerm[];
  /** What is missing, one line each (goes into the report's assumptions). */
  missing: string[];
}

/** Area of one cell (m²) from the device's area in F² and the chip's node; null with the reason. */
export function cellArea(
  device: DeviceModel,
  node: number | null,
): { value: number; source: string } | { value: null; why: string } {
  if (device.area === undefined) return { value: null, why: `device ${device.name} has no area (F^2)` };
  if (node === null) return { value: null, why: 'the chip has no node (F)' };
  const p = device.provenance.area;
  const from = p === undefined || p === 'dsl' ? `dsl (device ${device.name}.area)` : p;
  return {
    value: device.area * node * node,
    source: `${from}: ${device.area} F^2 x (${Math.round(node * 1e9)} nm)^2`,
  };
}

/** Devices a crossbar copy holds: rows x cols, twice for a differential pair. */
export function crossbarCells(tile: CrossbarTile): number {
  return tile.rows * tile.cols * (tile.signedWeights === 'differential' ? 2 : 1);
}

/** ADCs of one crossbar copy: one per adc_share columns. */
export function crossbarAdcs(tile: CrossbarTile): number {
  return tile.adcBits > 0 ? Math.ceil(tile.cols / (tile.adcShare ?? 1)) : 0;
}

export function chipArea(model: ElaboratedModel, chip: Chip): AreaEstimate {
  const terms: AreaTerm[] = [];
  const missing: string[] = [];
  const add = (
    tile: string | null,
    component: AreaTerm['component'],
    what: string,
    count: number,
    unitArea: number,
    source: string,
  ) => {
    if (count > 0) terms.push({ tile, component, what, count, unitArea, area: count * unitArea, source });
  };
  const deviceOf = (name: string | undefined) =>
    name ? model.devices.find((d) => d.name === name) : undefined;
  const cells = (tile: string, count: number, perCopy: number, device: DeviceModel | undefined) => {
    if (!device) return missing.push(`area: tile ${tile} has no cell device; its cells are not counted`);
    const a = cellArea(device, chip.node);
    if (a.value === null) return missing.push(`area: ${a.why}: the cells of tile ${tile} are not counted`);
    add(
      tile,
      'cells',
      `${fmt(count)} copies x ${fmt(perCopy)} ${device.name} cells`,
      count * perCopy,
      a.value,
      a.source,
    );
  };
  const dsl = (tile: string, field: string) => `dsl (tile ${tile}.${field})`;

  for (const t of chip.tiles) {
    cells(t.name, t.count, crossbarCells(t), deviceOf(t.device));
    const adcs = crossbarAdcs(t);
    if (adcs > 0 && t.adcArea !== undefined)
      add(
        t.name,
        'adc',
        `${fmt(t.count)} copies x ${fmt(adcs)} ADCs (${fmt(t.cols)} columns / ${t.adcShare ?? 1} per ADC)`,
        t.count * adcs,
        t.adcArea,
        dsl(t.name, 'adc_area'),
      );
    else if (adcs > 0) missing.push(`area: tile ${t.name} gives no adc_area; its ADCs are not counted`);
    if (t.dacBits > 0 && t.dacArea !== undefined)
      add(
        t.name,
        'dac',
        `${fmt(t.count)} copies x ${fmt(t.rows)} row DACs`,
        t.count * t.rows,
        t.dacArea,
        dsl(t.name, 'dac_area'),
      );
    else if (t.dacBits > 0) missing.push(`area: tile ${t.name} gives no dac_area; its DACs are not counted`);
    if (t.peripheryArea !== undefined)
      add(
        t.name,
        'periphery',
        `${fmt(t.count)} copies x other periphery`,
        t.count,
        t.peripheryArea,
        dsl(t.name, 'periphery_area'),
      );
  }
  for (const c of chip.cores ?? []) coreCells(c);
  function coreCells(c: CoreTile) {
    const num = (k: string) => (typeof c.params[k] === 'number' ? (c.params[k] as number) : null);
    const perCopy =
      c.kind === 'rf_chain'
        ? (num('inputs') ?? 0) * (num('outputs') ?? 0)
        : c.kind === 'photonic_mesh' || c.kind === 'bayesian_array'
          ? (num('rows') ?? 0) * (num('cols') ?? 0)
          : null;
    if (perCopy === null) {
      missing.push(`area: tile ${c.name} (${c.kind}) has no area model; not counted`);
      return;
    }
    cells(c.name, c.count, perCopy, deviceOf(c.device));
  }
  const copies =
    chip.tiles.reduce((a, t) => a + t.count, 0) + (chip.cores ?? []).reduce((a, t) => a + t.count, 0);
  if (chip.router?.area !== undefined)
    add(
      null,
      'router',
      `${fmt(copies)} routers (one per tile copy)`,
      copies,
      chip.router.area,
      `dsl (chip ${chip.name}.router.area)`,
    );
  else if (chip.router)
    missing.push(`area: chip ${chip.name}'s router gives no area; routers are not counted`);
  const area = terms.length > 0 ? terms.reduce((a, t) => a + t.area, 0) : null;
  return { area, terms, missing };
}
