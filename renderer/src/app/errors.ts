// Errors the user must see: every failed engine call lands here and shows as a banner, with the
// RPC error code and the engine's message, until dismissed.
import { RpcError } from '../../../engine/protocol/rpc';

export interface ReportedError {
  id: number;
  /** What the UI was doing, e.g. "Saving quickstart.nfab". */
  context: string;
  code: string | null;
  message: string;
}

export class ErrorLog {
  private items: ReportedError[] = [];
  private nextId = 1;
  private readonly listeners = new Set<() => void>();

  getSnapshot = (): ReportedError[] => this.items;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  report(context: string, err: unknown): void {
    const code = err instanceof RpcError ? err.code : null;
    const message = err instanceof Error ? err.message : String(err);
    console.error(`${context}:`, err);
    // The same failure repeating (e.g. every keystroke's check) shows once.
    if (this.items.some((e) => e.context === context && e.message === message)) return;
    // The newest few are enough; a flood of one failure should not fill the screen.
    this.items = [...this.items, { id: this.nextId++, context, code, message }].slice(-4);
    this.emit();
  }

  dismiss(id: number): void {
    this.items = this.items.filter((e) => e.id !== id);
    this.emit();
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }
}
