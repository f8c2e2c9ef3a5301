// Entry point: pick the platform, build the long-lived services, render, connect.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { Engine } from './app/engine';
import { ErrorLog } from './app/errors';
import { type Studio, StudioProvider } from './app/studio-context';
import { Documents } from './editor/documents';
import { detectPlatform } from './platform';
import { RunCache } from './runs/run-cache';
import './styles.css';

const engine = new Engine(detectPlatform());
const errors = new ErrorLog();
const studio: Studio = {
  engine,
  errors,
  documents: new Documents(engine, errors),
  runs: new RunCache(engine),
};

// Surface what would otherwise only reach the console.
window.addEventListener('unhandledrejection', (e) => errors.report('Unexpected failure', e.reason));

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <StudioProvider studio={studio}>
      <App />
    </StudioProvider>
  </StrictMode>,
);
void engine.connect();
