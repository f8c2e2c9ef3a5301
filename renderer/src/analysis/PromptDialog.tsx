// A modal asking for one line (a tag) or a few (a note), keyboard-friendly like ConfirmDialog:
// Enter (Ctrl+Enter in a multi-line field) saves, Escape cancels.
import { useEffect, useRef, useState } from 'react';

export interface PromptRequest {
  title: string;
  message: string;
  label: string;
  initial: string;
  placeholder?: string;
  multiline?: boolean;
  /** Returns an error message to show, or null when the value is fine. */
  validate?: (value: string) => string | null;
  resolve: (value: string | null) => void;
}

export function PromptDialog({ request }: { request: PromptRequest }) {
  const [value, setValue] = useState(request.initial);
  const line = useRef<HTMLInputElement>(null);
  const area = useRef<HTMLTextAreaElement>(null);
  useEffect(() => (line.current ?? area.current)?.focus(), []);
  const problem = request.validate?.(value) ?? null;
  const submit = () => {
    if (!problem) request.resolve(value);
  };
  const fieldProps = {
    id: 'prompt-field',
    className: `input analysis-prompt-field ${request.multiline ? 'multiline' : ''}`,
    'data-testid': 'prompt-input',
    value,
    placeholder: request.placeholder,
  };
  return (
    <div className="modal-backdrop">
      <div
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby="prompt-title"
        data-testid="prompt-dialog"
        onKeyDown={(e) => {
          if (e.key === 'Escape') request.resolve(null);
          if (e.key === 'Enter' && (!request.multiline || e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            submit();
          }
        }}
      >
        <h2 id="prompt-title">{request.title}</h2>
        <p>{request.message}</p>
        <label className="field-label analysis-prompt-label" htmlFor="prompt-field">
          {request.label}
        </label>
        {request.multiline ? (
          <textarea ref={area} {...fieldProps} onChange={(e) => setValue(e.target.value)} />
        ) : (
          <input ref={line} {...fieldProps} onChange={(e) => setValue(e.target.value)} />
        )}
        {problem && value && <div className="error-text">{problem}</div>}
        <div className="row end">
          <button type="button" className="button" onClick={() => request.resolve(null)}>
            Cancel
          </button>
          <button
            type="button"
            className="button primary"
            data-testid="prompt-ok"
            disabled={problem !== null}
            onClick={submit}
          >
            Save
          </button>
        </div>
      </div>
    </div>
  );
}
