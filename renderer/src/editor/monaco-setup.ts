// Monaco, bundled: never fetched from a CDN (the studio works offline). The lean `editor` entry
// plus every editor feature, without the CSS/HTML/JSON/TypeScript language services the studio
// has no use for. The one worker Monaco needs (text model sync, word ranges) comes through Vite.
import { loader } from '@monaco-editor/react';
import * as monaco from 'monaco-editor/editor';
import 'monaco-editor/features/register.all';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import { NFAB_LANGUAGE_ID, registerNfabLanguage } from './nfab-language';
import { NfabLanguageClient, registerNfabProviders } from './nfab-providers';
import { registerTheme } from './theme';

self.MonacoEnvironment = { getWorker: () => new EditorWorker() };

// Any component that later uses @monaco-editor/react gets this same bundled instance.
loader.config({ monaco });

registerNfabLanguage(monaco);
registerTheme(monaco);

/** The .nfab language worker: diagnostics while typing and every language feature. */
export const nfabLanguage = new NfabLanguageClient();
registerNfabProviders(monaco, NFAB_LANGUAGE_ID, nfabLanguage);

export { monaco };
export type Monaco = typeof monaco;
