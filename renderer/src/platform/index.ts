// Picks the platform once, at start-up: Electron's preload defines `window.studio`; a plain
// browser (browser mode, `neurofab serve`) does not.
import type { StudioApi } from '../../../preload/api';
import { electronPlatform } from './electron';
import type { Platform } from './types';
import { webPlatform } from './web';

declare global {
  interface Window {
    studio?: StudioApi;
  }
}

export function detectPlatform(): Platform {
  return window.studio ? electronPlatform(window.studio) : webPlatform();
}

export type { Platform } from './types';
