// The studio window once the engine is reachable: explorer, editor with tabs, the bottom panel
// (runs, problems, run output) and the run panel. Owns the cross-cutting actions (save, run,
// close with confirmation) so the keyboard shortcuts and the buttons do exactly the same thing.
import { type ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import type { Diagnostic, ProjectInfo } from '../../../engine/protocol/schema';
import { CompareView } from '../analysis/CompareView';
import { ClusterPanel } from '../cluster/ClusterPanel';
import { DiskBanners } from '../editor/DiskBanners';
import { isNfab } from '../editor/documents';
import { type EditorCommands, EditorPane } from '../editor/EditorPane';
import { EditorTabs } from '../editor/EditorTabs';
import type { monaco } from '../editor/monaco-setup';
import { ProblemsList } from '../editor/ProblemsList';
import { EnergyPanel } from '../energy/EnergyPanel';
import { RunLog } from '../runs/RunLog';
import { QUICK_LOOK, RunPanel, type RunTarget } from '../runs/RunPanel';
import { type CompareTab, RunsTable } from '../runs/RunsTable';
import { SchematicPane } from '../schematic/SchematicPane';
import { ConnectionBanner, ErrorBanners } from './Banners';
import { ConfirmDialog, type ConfirmRequest } from './ConfirmDialog';
import { FileTree } from './FileTree';
import { OpenProject } from './OpenProject';
import { Splitter } from './Splitter';
import { StatusBar } from './StatusBar';
import { useConnection, useDocuments, useStudio } from './studio-context';
import { TitleBar } from './TitleBar';

type BottomTab = 'runs' | 'compare' | 'problems' | 'output' | 'energy' | 'cluster';
const NO_DIAGNOSTICS: Diagnostic[] = [];

export function Workbench() {
  const { engine, errors, documents } = useStudio();
  const connection = useConnection();
  const snapshot = useDocuments();
  const active = snapshot.active;

  const [project, setProject] = useState<ProjectInfo | null | undefined>(undefined);
  const [choosingProject, setChoosingProject] = useState(false);
  const [engineVersion, setEngineVersion] = useState<string | null>(null);
  const [viewedRunId, setViewedRunId] = useState<string | null>(null);
  const [bottomTab, setBottomTab] = useState<BottomTab>('runs');
  // Runs ticked in the Runs tab, compared in the Compare tab (issue 9's analysis views).
  const [checkedRuns, setCheckedRuns] = useState<ReadonlySet<string>>(new Set());
  const [compareTab, setCompareTab] = useState<CompareTab>('metrics');
  const [experimentByFile, setExperimentByFile] = useState<Record<string, string>>({});
  const [starting, setStarting] = useState(false);
  const [cursor, setCursor] = useState<{ line: number; col: number } | null>(null);
  const [confirm, setConfirm] = useState<ConfirmRequest | null>(null);
  const [sizes, setSizes] = useState({ sidebar: 240, panel: 460, bottom: 250, schematic: 620 });
  const [schematicOpen, setSchematicOpen] = useState(false);
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);

  // Each (re)connection: the engine may have restarted, so ask again what is open and re-check.
  const generation = connection.phase === 'open' ? connection.generation : null;
  useEffect(() => {
    if (generation === null) return;
    engine.call('project.current', {}).then(setProject, (err) => {
      errors.report('Asking the engine for the open project', err);
      setProject(null);
    });
    engine.call('engine.info', {}).then(
      (info) => setEngineVersion(info.version),
      (err) => errors.report('Asking the engine for its version', err),
    );
    documents.recheckAll();
  }, [generation, engine, errors, documents]);

  const ask = useCallback(
    (request: Omit<ConfirmRequest, 'resolve'>) =>
      new Promise<string>((resolve) =>
        setConfirm({
          ...request,
          resolve: (value) => {
            setConfirm(null);
            resolve(value);
          },
        }),
      ),
    [],
  );

  const closeFile = useCallback(
    async (path: string) => {
      const doc = documents.get(path);
      if (doc?.dirty) {
        const answer = await ask({
          title: `Save changes to ${path}?`,
          message: 'Your changes will be lost if you close the file without saving.',
          actions: [
            { label: 'Cancel', value: 'cancel' },
            { label: "Don't save", value: 'discard', danger: true },
            { label: 'Save', value: 'save', primary: true },
          ],
        });
        if (answer === 'cancel') return;
        if (answer === 'save' && !(await documents.save(path))) return;
      }
      documents.close(path);
    },
    [ask, documents],
  );

  const switchProject = useCallback(async () => {
    if (documents.anyDirty()) {
      const answer = await ask({
        title: 'Discard unsaved changes?',
        message: 'Opening another project closes every editor; some files have unsaved changes.',
        actions: [
          { label: 'Cancel', value: 'cancel', primary: true },
          { label: 'Discard and continue', value: 'discard', danger: true },
        ],
      });
      if (answer !== 'discard') return;
    }
    setChoosingProject(true);
  }, [ask, documents]);

  const projectRoot = project?.root ?? null;
  const projectOpened = useCallback(
    (info: ProjectInfo) => {
      if (info.root !== projectRoot) {
        documents.closeAll();
        setViewedRunId(null);
        setCheckedRuns(new Set());
      }
      setProject(info);
      setChoosingProject(false);
    },
    [documents, projectRoot],
  );

  const refreshFiles = () =>
    engine.call('project.current', {}).then(
      (p) => setProject(p),
      (err) => errors.report('Refreshing the file list', err),
    );

  // What the Run button would run: the active .nfab file and its chosen experiment.
  // Cheap to derive on each render; the document's diagnostics are mutated in place.
  const target: RunTarget =
    active && isNfab(active.path)
      ? {
          path: active.path,
          experiments: active.experiments,
          errorCount: active.diagnostics.filter((d) => d.severity === 'error').length,
        }
      : { path: null, experiments: [], errorCount: 0 };
  const chosen = target.path ? experimentByFile[target.path] : undefined;
  const experiment = chosen && target.experiments.includes(chosen) ? chosen : (target.experiments[0] ?? null);

  const [quickLook, setQuickLook] = useState(false);
  const startRun = useCallback(async () => {
    const doc = documents.active;
    if (!doc || !isNfab(doc.path)) return;
    setStarting(true);
    try {
      // A sweep starts one run per point (all in the runs table); the panel follows the first.
      const { runId } = await engine.call('run.start', {
        path: doc.path,
        text: doc.model.getValue(),
        ...(experiment ? { experiment } : {}),
        ...(quickLook ? { overrides: { ...QUICK_LOOK } } : {}),
      });
      setViewedRunId(runId);
    } catch (err) {
      errors.report(`Starting ${experiment ?? 'the experiment'}`, err);
    } finally {
      setStarting(false);
    }
  }, [documents, engine, errors, experiment, quickLook]);

  const save = useCallback(() => {
    const doc = documents.active;
    if (doc) void documents.save(doc.path);
  }, [documents]);

  const commands = useRef<EditorCommands>({ save, run: () => void startRun(), cursor: () => {} });
  commands.current = {
    save,
    run: () => void startRun(),
    cursor: (line, col) => setCursor({ line, col }),
  };

  // Electron's native menu: File → Save, and File → Open Project… (main has asked for the folder).
  const menuOpenProject = useRef(async (_root: string) => {});
  menuOpenProject.current = async (root: string) => {
    if (documents.anyDirty()) {
      const answer = await ask({
        title: 'Discard unsaved changes?',
        message: `Opening ${root} closes every editor; some files have unsaved changes.`,
        actions: [
          { label: 'Cancel', value: 'cancel', primary: true },
          { label: 'Discard and continue', value: 'discard', danger: true },
        ],
      });
      if (answer !== 'discard') return;
    }
    try {
      projectOpened(await engine.call('project.open', { root }));
    } catch (err) {
      errors.report(`Opening project ${root}`, err);
    }
  };
  useEffect(
    () =>
      engine.platform.onMenuCommand?.((command) => {
        if (command.command === 'save') commands.current.save();
        else void menuOpenProject.current(command.root);
      }),
    [engine],
  );

  // The same shortcuts when focus is outside the editor (Monaco handles them inside it).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || !(e.ctrlKey || e.metaKey)) return;
      if (e.key === 's') {
        e.preventDefault();
        commands.current.save();
      } else if (e.key === 'Enter') {
        e.preventDefault();
        commands.current.run();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // Leaving the page (reload, close) with unsaved text: let the browser ask.
  useEffect(() => {
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      if (!documents.anyDirty()) return;
      e.preventDefault();
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [documents]);

  useEffect(() => {
    const file = active ? `${active.dirty ? '● ' : ''}${active.path} — ` : '';
    document.title = `${file}${project?.name ?? 'Neurofab Studio'}${project ? ' — Neurofab Studio' : ''}`;
  }, [active, active?.dirty, project]);

  const reveal = (d: Diagnostic) => {
    const editor = editorRef.current;
    if (!editor) return;
    editor.setPosition({ lineNumber: d.range.start.line, column: d.range.start.col });
    editor.revealPositionInCenter({ lineNumber: d.range.start.line, column: d.range.start.col });
    editor.focus();
  };

  const diagnostics = active?.diagnostics ?? NO_DIAGNOSTICS;
  const errorCount = diagnostics.filter((d) => d.severity === 'error').length;

  const chrome = (body: ReactNode) => (
    <div className="workbench">
      <TitleBar
        projectName={project?.name ?? null}
        projectRoot={project?.root ?? null}
        activePath={active?.path ?? null}
        dirty={active?.dirty ?? false}
        onOpenProject={project && !choosingProject ? () => void switchProject() : null}
      />
      <ConnectionBanner />
      <ErrorBanners />
      <DiskBanners projectRoot={project?.root ?? null} />
      {body}
      <StatusBar
        diagnostics={diagnostics}
        onShowProblems={() => setBottomTab('problems')}
        viewedRunId={viewedRunId}
        cursor={active ? cursor : null}
        language={active ? (isNfab(active.path) ? 'nfab' : 'plain text') : null}
        engineVersion={engineVersion}
      />
      {confirm && <ConfirmDialog request={confirm} />}
    </div>
  );

  if (project === undefined) return chrome(<div className="loading">Loading project…</div>);
  if (project === null || choosingProject) {
    return chrome(
      <OpenProject
        onOpened={projectOpened}
        onCancel={project ? () => setChoosingProject(false) : undefined}
      />,
    );
  }

  return chrome(
    <div
      className="main"
      style={{ gridTemplateColumns: `${sizes.sidebar}px 4px minmax(320px, 1fr) 4px ${sizes.panel}px` }}
    >
      <nav className="sidebar" aria-label="Explorer">
        <div className="panel-header">
          <span className="panel-title">Explorer</span>
          <button
            type="button"
            className="icon-button"
            title="Refresh"
            aria-label="Refresh files"
            onClick={refreshFiles}
          >
            ↻
          </button>
        </div>
        <div className="project-name" title={project.root} data-testid="project-name">
          {project.name}
        </div>
        <FileTree files={project.files} onOpen={(path) => void documents.open(path)} />
      </nav>
      <Splitter
        axis="x"
        size={sizes.sidebar}
        min={160}
        max={480}
        onResize={(sidebar) => setSizes((s) => ({ ...s, sidebar }))}
      />
      <main className="center" style={{ gridTemplateRows: `35px minmax(120px, 1fr) 4px ${sizes.bottom}px` }}>
        <div style={{ display: 'flex', minWidth: 0 }}>
          <div style={{ flex: 1, minWidth: 0 }}>
            <EditorTabs onClose={(path) => void closeFile(path)} />
          </div>
          <button
            type="button"
            className="icon-button"
            style={{ padding: '0 10px', width: 'auto' }}
            aria-pressed={schematicOpen}
            data-testid="toggle-schematic"
            title="Show the schematic next to the editor"
            onClick={() => setSchematicOpen((o) => !o)}
          >
            {schematicOpen ? 'Hide schematic' : 'Schematic'}
          </button>
        </div>
        <div
          style={{
            display: 'grid',
            minHeight: 0,
            minWidth: 0,
            gridTemplateColumns: schematicOpen
              ? `minmax(160px, 1fr) 4px ${sizes.schematic}px`
              : 'minmax(0, 1fr)',
          }}
        >
          <EditorPane commands={commands} editorRef={editorRef} />
          {schematicOpen && (
            <>
              <Splitter
                axis="x"
                size={sizes.schematic}
                min={320}
                max={1600}
                after
                onResize={(schematic) => setSizes((s) => ({ ...s, schematic }))}
              />
              <SchematicPane doc={active && isNfab(active.path) ? active : null} editorRef={editorRef} />
            </>
          )}
        </div>
        <Splitter
          axis="y"
          size={sizes.bottom}
          min={90}
          max={700}
          after
          onResize={(bottom) => setSizes((s) => ({ ...s, bottom }))}
        />
        <section className="bottom-panel">
          <div className="bottom-tabs" role="tablist">
            <BottomTabButton id="runs" current={bottomTab} onSelect={setBottomTab}>
              Runs
            </BottomTabButton>
            <BottomTabButton id="compare" current={bottomTab} onSelect={setBottomTab}>
              Compare
              {checkedRuns.size > 0 && <span className="count-badge">{checkedRuns.size}</span>}
            </BottomTabButton>
            <BottomTabButton id="problems" current={bottomTab} onSelect={setBottomTab}>
              Problems
              {diagnostics.length > 0 && (
                <span className={`count-badge ${errorCount > 0 ? 'error' : ''}`}>{diagnostics.length}</span>
              )}
            </BottomTabButton>
            <BottomTabButton id="output" current={bottomTab} onSelect={setBottomTab}>
              Output
            </BottomTabButton>
            <BottomTabButton id="energy" current={bottomTab} onSelect={setBottomTab}>
              Energy
            </BottomTabButton>
            <BottomTabButton id="cluster" current={bottomTab} onSelect={setBottomTab}>
              Cluster
            </BottomTabButton>
          </div>
          <div className="bottom-body">
            {bottomTab === 'runs' && (
              <RunsTable
                key={project.root}
                selected={viewedRunId}
                onSelect={setViewedRunId}
                checked={checkedRuns}
                onCheckedChange={setCheckedRuns}
                ask={ask}
                onCompare={(tab) => {
                  setCompareTab(tab);
                  setBottomTab('compare');
                  // Charts need room: grow the bottom panel to about half the window.
                  setSizes((s) => ({
                    ...s,
                    bottom: Math.max(s.bottom, Math.min(700, Math.round(window.innerHeight * 0.55))),
                  }));
                }}
              />
            )}
            {bottomTab === 'compare' && (
              <CompareView
                key={project.root}
                runIds={checkedRuns}
                tab={compareTab}
                onTabChange={setCompareTab}
              />
            )}
            {bottomTab === 'problems' && <ProblemsList diagnostics={diagnostics} onReveal={reveal} />}
            {bottomTab === 'output' && <RunLog runId={viewedRunId} />}
            {bottomTab === 'energy' && (
              <EnergyPanel
                key={project.root}
                path={active && isNfab(active.path) ? active.path : null}
                getText={() => (active ? active.model.getValue() : null)}
                onOpenRun={setViewedRunId}
              />
            )}
            {bottomTab === 'cluster' && (
              <ClusterPanel
                key={project.root}
                path={target.path}
                experiment={experiment}
                getText={() => (active ? active.model.getValue() : null)}
                overrides={quickLook ? { ...QUICK_LOOK } : null}
                onOpenRun={setViewedRunId}
              />
            )}
          </div>
        </section>
      </main>
      <Splitter
        axis="x"
        size={sizes.panel}
        min={320}
        max={900}
        after
        onResize={(panel) => setSizes((s) => ({ ...s, panel }))}
      />
      <RunPanel
        target={target}
        experiment={experiment}
        onExperimentChange={(name) =>
          target.path && setExperimentByFile((m) => ({ ...m, [target.path!]: name }))
        }
        onRun={() => void startRun()}
        onRunOnCluster={() => setBottomTab('cluster')}
        quick={quickLook}
        onQuickChange={setQuickLook}
        starting={starting}
        viewedRunId={viewedRunId}
      />
    </div>,
  );
}

function BottomTabButton({
  id,
  current,
  onSelect,
  children,
}: {
  id: BottomTab;
  current: BottomTab;
  onSelect: (id: BottomTab) => void;
  children: ReactNode;
}) {
  return (
    <button
      type="button"
      role="tab"
      aria-selected={current === id}
      className={`bottom-tab ${current === id ? 'active' : ''}`}
      data-testid={`tab-${id}`}
      onClick={() => onSelect(id)}
    >
      {children}
    </button>
  );
}
