// Failures the user must see: engine call errors (code + message, until dismissed), a lost
// engine connection (with a way to reconnect without losing open editors) and an engine that
// crashed and was restarted (which runs that interrupted, until dismissed).
import { useSyncExternalStore } from 'react';
import { useConnection, useStudio } from './studio-context';

export function DismissButton({ testId, onClick }: { testId: string; onClick: () => void }) {
  return (
    <button type="button" className="icon-button" aria-label="Dismiss" data-testid={testId} onClick={onClick}>
      ×
    </button>
  );
}

export function ErrorBanners() {
  const { errors } = useStudio();
  const items = useSyncExternalStore(errors.subscribe, errors.getSnapshot);
  if (items.length === 0) return null;
  return (
    <div className="banners" role="alert">
      {items.map((e) => (
        <div key={e.id} className="banner error" data-testid="error-banner" data-code={e.code ?? ''}>
          <span className="banner-icon" aria-hidden="true">
            ✕
          </span>
          <div className="banner-body">
            <div className="banner-title">
              {e.context} failed{e.code ? <span className="banner-code">{e.code}</span> : null}
            </div>
            <div className="banner-message">{e.message}</div>
          </div>
          <DismissButton testId="dismiss-error" onClick={() => errors.dismiss(e.id)} />
        </div>
      ))}
    </div>
  );
}

export function EngineRestartedBanner() {
  const { engine } = useStudio();
  const notice = useSyncExternalStore(engine.subscribeRestartNotice, engine.getRestartNotice);
  if (!notice) return null;
  const n = notice.interruptedRuns.length;
  return (
    <div className="banner info" role="status" data-testid="engine-restarted-banner">
      <span className="banner-icon" aria-hidden="true">
        ↻
      </span>
      <div className="banner-body">
        <div className="banner-title">The engine was restarted</div>
        <div className="banner-message" data-testid="engine-restarted-message">
          The engine stopped unexpectedly ({notice.reason}) and was restarted. {n} run(s) in progress were
          marked interrupted; their metrics up to the crash are kept.
        </div>
      </div>
      <DismissButton testId="dismiss-engine-restarted" onClick={engine.dismissRestartNotice} />
    </div>
  );
}

/** The engine's health: a lost connection, or (while connected) a restart after a crash. */
export function ConnectionBanner() {
  const { engine } = useStudio();
  const connection = useConnection();
  if (connection.phase === 'open') return <EngineRestartedBanner />;
  if (connection.phase === 'connecting') {
    return (
      <div className="banner info" data-testid="connection-status">
        <span className="spinner" aria-hidden="true" />
        <div className="banner-body">Reconnecting to the engine…</div>
      </div>
    );
  }
  return (
    <div className="banner error" role="alert" data-testid="connection-error">
      <span className="banner-icon" aria-hidden="true">
        ⚡
      </span>
      <div className="banner-body">
        <div className="banner-title">Disconnected from the engine</div>
        <div className="banner-message">
          {connection.message} Unsaved text stays in the editor; save it once reconnected.
        </div>
      </div>
      {connection.canRetry && (
        <button
          type="button"
          className="button"
          data-testid="reconnect-button"
          onClick={() => void engine.connect()}
        >
          Reconnect
        </button>
      )}
    </div>
  );
}

/** Before the first successful connection there is nothing to show but the reason. */
export function ConnectionScreen() {
  const { engine } = useStudio();
  const connection = useConnection();
  return (
    <div className="welcome">
      <div
        className="welcome-card"
        data-testid={connection.phase === 'failed' ? 'connection-error' : 'connecting'}
      >
        <div className="brand-mark large" aria-hidden="true" />
        {connection.phase === 'failed' ? (
          <>
            <h1>Cannot reach the engine</h1>
            <p className="error-text" data-testid="connection-message">
              {connection.message}
            </p>
            {connection.canRetry && (
              <div className="row end">
                <button
                  type="button"
                  className="button primary"
                  data-testid="reconnect-button"
                  onClick={() => void engine.connect()}
                >
                  Reconnect
                </button>
              </div>
            )}
          </>
        ) : (
          <>
            <h1>Neurofab Studio</h1>
            <p className="muted">
              <span className="spinner" aria-hidden="true" /> Connecting to the engine…
            </p>
          </>
        )}
      </div>
    </div>
  );
}
