// One tab per open file, with the unsaved-changes dot that turns into a close button on hover
// (as in VS Code).
import { useDocuments, useStudio } from '../app/studio-context';

const baseName = (path: string): string => path.split('/').at(-1) ?? path;

export function EditorTabs({ onClose }: { onClose: (path: string) => void }) {
  const { documents } = useStudio();
  const { tabs, active } = useDocuments();
  return (
    <div className="tabs" role="tablist" data-testid="editor-tabs">
      {tabs.map((tab) => (
        <div
          key={tab.path}
          role="tab"
          tabIndex={0}
          aria-selected={active?.path === tab.path}
          className={`tab ${active?.path === tab.path ? 'active' : ''} ${tab.dirty ? 'dirty' : ''}`}
          data-testid="editor-tab"
          data-path={tab.path}
          data-dirty={tab.dirty}
          title={tab.path}
          onClick={() => documents.activate(tab.path)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') documents.activate(tab.path);
          }}
          onAuxClick={(e) => {
            if (e.button === 1) onClose(tab.path);
          }}
        >
          <span className="file-icon nfab" aria-hidden="true" />
          <span className="tab-label">{baseName(tab.path)}</span>
          <button
            type="button"
            className="tab-close"
            aria-label={`Close ${tab.path}`}
            data-testid="tab-close"
            onClick={(e) => {
              e.stopPropagation();
              onClose(tab.path);
            }}
          >
            <span className="dirty-dot">●</span>
            <span className="close-x">×</span>
          </button>
        </div>
      ))}
    </div>
  );
}
