// The top bar: product, project and active file (with the unsaved-changes dot), and project actions.
interface Props {
  projectName: string | null;
  projectRoot: string | null;
  activePath: string | null;
  dirty: boolean;
  onOpenProject: (() => void) | null;
}

export function TitleBar({ projectName, projectRoot, activePath, dirty, onOpenProject }: Props) {
  return (
    <header className="title-bar" data-testid="title-bar">
      <span className="brand">
        <span className="brand-mark" aria-hidden="true" />
        Neurofab Studio
      </span>
      <span className="title-center" data-testid="window-title" title={projectRoot ?? undefined}>
        {activePath && (
          <>
            {dirty && <span className="title-dirty">● </span>}
            <span>{activePath}</span>
            <span className="title-sep"> — </span>
          </>
        )}
        <span className="muted">{projectName ?? 'no project'}</span>
      </span>
      {onOpenProject && (
        <button
          type="button"
          className="button ghost small"
          data-testid="switch-project"
          onClick={onOpenProject}
        >
          Open project…
        </button>
      )}
    </header>
  );
}
