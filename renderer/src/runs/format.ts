// Display formatting shared by the run views.
import type { RunStatus } from '../../../engine/protocol/schema';

export const shortId = (id: string): string => id.slice(0, 8);

export function formatTime(ms: number): string {
  const d = new Date(ms);
  const today = new Date();
  const time = d.toLocaleTimeString(undefined, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  });
  if (d.toDateString() === today.toDateString()) return time;
  return `${d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })} ${time}`;
}

export function formatDuration(ms: number): string {
  if (ms < 0) return '–';
  const s = ms / 1000;
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 60) return `${Math.round(s)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} m ${Math.round(s % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} m`;
}

export const formatPercent = (v: number | undefined): string =>
  v === undefined || !Number.isFinite(v) ? '–' : `${(v * 100).toFixed(2)} %`;

export const formatNumber = (v: number | undefined, digits = 4): string =>
  v === undefined || !Number.isFinite(v) ? '–' : Number(v.toPrecision(digits)).toString();

export function formatRate(rate: number | null): string {
  if (rate === null || !Number.isFinite(rate)) return '';
  return rate >= 1000 ? `${(rate / 1000).toFixed(1)}k samples/s` : `${Math.round(rate)} samples/s`;
}

export const isActiveStatus = (s: RunStatus | null | undefined): boolean => s === 'queued' || s === 'running';
