// A modal question with up to three answers (e.g. Save / Don't save / Cancel), keyboard-friendly:
// Enter picks the primary answer, Escape cancels.
import { useEffect, useRef } from 'react';

export interface ConfirmRequest {
  title: string;
  message: string;
  actions: { label: string; value: string; primary?: boolean; danger?: boolean }[];
  resolve: (value: string) => void;
}

export function ConfirmDialog({ request }: { request: ConfirmRequest }) {
  const primary = useRef<HTMLButtonElement>(null);
  useEffect(() => primary.current?.focus(), []);
  return (
    <div className="modal-backdrop">
      <div
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby="confirm-title"
        data-testid="confirm-dialog"
        onKeyDown={(e) => {
          if (e.key === 'Escape') request.resolve('cancel');
        }}
      >
        <h2 id="confirm-title">{request.title}</h2>
        <p>{request.message}</p>
        <div className="row end">
          {request.actions.map((a) => (
            <button
              key={a.value}
              ref={a.primary ? primary : undefined}
              type="button"
              className={`button ${a.primary ? 'primary' : ''} ${a.danger ? 'danger' : ''}`}
              data-testid={`confirm-${a.value}`}
              onClick={() => request.resolve(a.value)}
            >
              {a.label}
            </button>
          ))}
        </div>
      </div>
    </div>
  );
}
