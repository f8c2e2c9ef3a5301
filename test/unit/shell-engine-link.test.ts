import { describe, expect, it } from 'vitest';
import type { EngineRestartInfo } from '../../preload/api';
import { EngineLink, type LinkPort } from '../../preload/engine-link';

class FakePort implements LinkPort {
  sent: unknown[] = [];
  closed = false;
  started = false;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  postMessage(message: unknown): void {
    this.sent.push(message);
  }
  close(): void {
    this.closed = true;
  }
  start(): void {
    this.started = true;
  }
  deliver(data: unknown): void {
    this.onmessage?.({ data });
  }
}

const request = (id: number) => ({ type: 'request' as const, id, method: 'engine.info', params: {} });

function quietLink() {
  const warnings: string[] = [];
  return { link: new EngineLink({ warn: (m) => warnings.push(m) }), warnings };
}

describe('EngineLink (the preload side of the engine port)', () => {
  it('queues messages until the port arrives, then flushes them in order', () => {
    const { link } = quietLink();
    link.send(request(1));
    link.send({ type: 'cancel', id: 1 });
    expect(link.queued).toBe(2);
    const port = new FakePort();
    link.attachPort(port);
    expect(port.started).toBe(true);
    expect(port.sent).toEqual([request(1), { type: 'cancel', id: 1 }]);
    link.send(request(2));
    expect(port.sent).toHaveLength(3);
  });

  it('refuses malformed messages and anything but requests and cancels', () => {
    const { link } = quietLink();
    expect(() => link.send({ type: 'request', id: 'x', method: 'm', params: {} })).toThrow(TypeError);
    expect(() => link.send('hello')).toThrow(/not a protocol message/);
    expect(() => link.send({ type: 'response', id: 1, result: {} })).toThrow(/only requests and cancels/);
    expect(() => link.send({ type: 'event', event: 'runs.changed', payload: {} })).toThrow(TypeError);
    expect(link.queued).toBe(0);
  });

  it('bounds the queue while disconnected', () => {
    const link = new EngineLink({ maxQueue: 2, warn: () => {} });
    link.send(request(1));
    link.send(request(2));
    expect(() => link.send(request(3))).toThrow(/queue is full/);
  });

  it('delivers valid engine messages to every subscriber and drops malformed ones', () => {
    const { link, warnings } = quietLink();
    const port = new FakePort();
    link.attachPort(port);
    const a: unknown[] = [];
    const b: unknown[] = [];
    const offA = link.onMessage((m) => a.push(m));
    link.onMessage((m) => b.push(m));
    port.deliver({ type: 'event', event: 'runs.changed', payload: {} });
    port.deliver({ type: 'bogus' });
    port.deliver(null);
    expect(a).toEqual([{ type: 'event', event: 'runs.changed', payload: {} }]);
    expect(b).toHaveLength(1);
    expect(warnings).toHaveLength(2);
    offA();
    port.deliver({ type: 'response', id: 5, result: {} });
    expect(a).toHaveLength(1);
    expect(b).toHaveLength(2);
  });

  it('keeps delivering when one subscriber throws', () => {
    const { link, warnings } = quietLink();
    const port = new FakePort();
    link.attachPort(port);
    const got: unknown[] = [];
    link.onMessage(() => {
      throw new Error('boom');
    });
    link.onMessage((m) => got.push(m));
    port.deliver({ type: 'response', id: 1, result: null });
    expect(got).toHaveLength(1);
    expect(warnings[0]).toMatch(/boom/);
  });

  it('reports requests lost in an engine crash and moves to the new port', () => {
    const { link } = quietLink();
    const first = new FakePort();
    link.attachPort(first);
    link.send(request(1));
    link.send(request(2));
    link.send(request(3));
    first.deliver({ type: 'response', id: 1, result: {} });
    first.deliver({ type: 'error', id: 3, error: { code: 'X', message: 'no' } });
    const restarts: EngineRestartInfo[] = [];
    link.onEngineRestart((info) => restarts.push(info));

    link.engineDown({ exitCode: 134, restarting: true });
    expect(first.closed).toBe(true);
    expect(link.connected).toBe(false);
    expect(restarts).toEqual([{ exitCode: 134, restarting: true, lostRequestIds: [2] }]);

    // Sent while the engine restarts: queued, then delivered to the new engine, not reported lost.
    link.send(request(4));
    const second = new FakePort();
    link.attachPort(second);
    expect(second.sent).toEqual([request(4)]);
    link.engineDown({ exitCode: 1, restarting: false });
    expect(restarts[1]).toEqual({ exitCode: 1, restarting: false, lostRequestIds: [4] });
  });

  it('closes the previous port when a new one arrives', () => {
    const { link } = quietLink();
    const first = new FakePort();
    const second = new FakePort();
    link.attachPort(first);
    link.attachPort(second);
    expect(first.closed).toBe(true);
    expect(second.closed).toBe(false);
  });

  it('rejects handlers that are not functions', () => {
    const { link } = quietLink();
    expect(() => link.onMessage(42 as unknown as () => void)).toThrow(TypeError);
  });
});
