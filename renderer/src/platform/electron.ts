// Electron: the preload script exposes `window.studio` (preload/api.ts). Engine traffic goes over
// the MessagePort main hands to the preload; dialogs and PDF printing go to main.
//
// The engine runs in its own process. If it crashes, the shell restarts it and the preload moves
// to the new engine's port on its own, so one RpcClient lives through restarts. Requests that were
// in flight when the engine died get no answer from anyone; this adapter fails them here (as
// CLOSED errors to the RpcClient), so no caller waits forever.
import { RpcClient, type Transport } from '../../../engine/protocol/rpc';
import { ErrorCode, type WireMessage } from '../../../engine/protocol/schema';
import type { EngineRestartInfo, MenuCommand, StudioApi } from '../../../preload/api';
import type { Platform } from './types';

/** How long connect() waits for the engine's first answer. */
const CONNECT_TIMEOUT_MS = 30_000;

export interface ElectronPlatform extends Platform {
  readonly kind: 'electron';
  /** Commands from the native menu (File → Save, File → Open Project…). Returns an unsubscribe. */
  onMenuCommand(handler: (command: MenuCommand) => void): () => void;
}

function lostRequestError(id: number, info: EngineRestartInfo): WireMessage {
  const what = info.restarting ? 'it is being restarted' : 'it was not restarted';
  return {
    type: 'error',
    id,
    error: {
      code: ErrorCode.Closed,
      message: `The engine stopped (exit code ${info.exitCode}) before answering; ${what}. Try again.`,
    },
  };
}

export function electronPlatform(studio: StudioApi): ElectronPlatform {
  return {
    kind: 'electron',
    connect: async (onClosed) => {
      let handler: ((message: unknown) => void) | null = null;
      const offMessages = studio.rpc.onMessage((message) => handler?.(message));
      const offRestart = studio.onEngineRestart?.((info) => {
        for (const id of info.lostRequestIds) handler?.(lostRequestError(id, info));
        if (!info.restarting) {
          onClosed?.(`The engine stopped (exit code ${info.exitCode}) after crashing repeatedly.`);
        }
      });
      const transport: Transport = {
        send: (message) => studio.rpc.send(message),
        onMessage: (h) => {
          handler = h;
          return () => {
            handler = null;
          };
        },
        close: () => {
          offMessages();
          offRestart?.();
        },
      };
      const client = new RpcClient(transport);
      // The preload queues requests until main hands over the port, so the first answer is the
      // sign that the engine is really there.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new Error(
                `The engine did not answer within ${CONNECT_TIMEOUT_MS / 1000} s. Is out/engine/host.js built (npm run build)?`,
              ),
            ),
          CONNECT_TIMEOUT_MS,
        );
      });
      try {
        await Promise.race([client.call('engine.info', {}), timedOut]);
      } catch (err) {
        client.close();
        throw err;
      } finally {
        clearTimeout(timer);
      }
      return client;
    },
    pickProjectFolder: () => studio.dialogs.openProjectFolder(),
    printToPdf: () => studio.printToPdf(),
    onMenuCommand: (handler) => studio.onMenuCommand?.(handler) ?? (() => {}),
  };
}
