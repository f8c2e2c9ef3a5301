// A draggable divider between two panes; reports the new size of the pane it controls.
import type { PointerEvent } from 'react';

interface Props {
  axis: 'x' | 'y';
  size: number;
  min: number;
  max: number;
  /** The controlled pane lies after the divider (right or below), so dragging towards it shrinks it. */
  after?: boolean;
  onResize: (size: number) => void;
}

export function Splitter({ axis, size, min, max, after = false, onResize }: Props) {
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    e.preventDefault();
    const el = e.currentTarget;
    el.setPointerCapture(e.pointerId);
    const start = axis === 'x' ? e.clientX : e.clientY;
    const move = (ev: globalThis.PointerEvent) => {
      const delta = (axis === 'x' ? ev.clientX : ev.clientY) - start;
      onResize(Math.max(min, Math.min(max, size + (after ? -delta : delta))));
    };
    const up = () => {
      el.removeEventListener('pointermove', move);
      el.removeEventListener('pointerup', up);
    };
    el.addEventListener('pointermove', move);
    el.addEventListener('pointerup', up);
  };
  return <div className={`splitter splitter-${axis}`} onPointerDown={onPointerDown} aria-hidden="true" />;
}
