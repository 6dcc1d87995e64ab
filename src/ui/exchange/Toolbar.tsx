/** The header's actions: copy the share link, export (candidates CSV, run JSON), import a run. */
import { useEffect, useId, useRef, useState } from 'react';
import { useDismiss } from '../controls/use-dismiss.ts';
import { useActions } from './actions-context.ts';
import { useStudio } from '../state/store.ts';
import { FilePickButton } from './FilePickButton.tsx';
import { droppedFiles } from './dropped-files.ts';
import './exchange.css';

export function CopyLinkButton() {
  const actions = useActions();
  const [status, setStatus] = useState('');
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);
  return (
    <span className="toolbar-item">
      <button
        type="button"
        data-testid="copy-link"
        title="Copy a link to these settings: whoever opens it sees the same inputs and the same seeded candidates"
        onClick={async () => {
          const ok = await actions.copyLink();
          setStatus(ok ? 'Link copied' : 'Copy the address bar: the clipboard is blocked');
          if (timer.current) clearTimeout(timer.current);
          timer.current = setTimeout(() => setStatus(''), 2500);
        }}
      >
        Copy link
      </button>
      <span className="toolbar-status" role="status">
        {status}
      </span>
    </span>
  );
}

interface MenuItem {
  label: string;
  hint: string;
  testId: string;
  run(): Promise<void>;
}

/** A menu button (WAI-ARIA menu pattern): arrows move, Home/End jump, Escape closes and gives focus back. */
export function ExportMenu() {
  const actions = useActions();
  const count = useStudio((s) => s.results.count);
  const imported = useStudio((s) => s.results.origin.kind === 'import');
  const [open, setOpen] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const rootRef = useRef<HTMLSpanElement>(null);
  const itemRefs = useRef<(HTMLButtonElement | null)[]>([]);
  const menuId = useId();
  const items: MenuItem[] = [
    {
      label: 'Candidates as CSV',
      hint: imported ? 'the table of the imported run, as it was read' : 'every candidate with its costs, and its feasibility under the budgets on screen now',
      testId: 'export-csv',
      run: actions.exportCandidatesCsv,
    },
    {
      label: 'Run as JSON',
      hint: imported ? 'the imported run, as it was read' : 'settings and every candidate (a search’s scores and training too), judged by the budgets on screen now; import it to show it again',
      testId: 'export-run',
      run: actions.exportRunJson,
    },
  ];
  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) buttonRef.current?.focus();
  };
  useEffect(() => {
    if (open) itemRefs.current[0]?.focus();
  }, [open]);
  useDismiss(open, rootRef, () => setOpen(false));
  const onMenuKey = (e: React.KeyboardEvent) => {
    const i = itemRefs.current.findIndex((el) => el === document.activeElement);
    const n = items.length;
    const to = { ArrowDown: (i + 1) % n, ArrowUp: (i - 1 + n) % n, Home: 0, End: n - 1 }[e.key as 'ArrowDown'];
    if (to !== undefined) {
      e.preventDefault();
      itemRefs.current[to]?.focus();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      close(true);
    } else if (e.key === 'Tab') close(false);
  };
  return (
    <span className="toolbar-item menu-root" ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        disabled={count === 0}
        data-testid="export-menu"
        onClick={() => setOpen((o) => !o)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
            e.preventDefault();
            setOpen(true);
          }
        }}
      >
        Export <span aria-hidden="true">▾</span>
      </button>
      {open ? (
        <div id={menuId} role="menu" aria-label="Export" className="menu" onKeyDown={onMenuKey}>
          {items.map((item, i) => (
            <button
              key={item.testId}
              ref={(el) => {
                itemRefs.current[i] = el;
              }}
              type="button"
              role="menuitem"
              tabIndex={-1}
              data-testid={item.testId}
              onClick={() => {
                void item.run();
                close(true);
              }}
            >
              <span className="menu-label">{item.label}</span>
              <span className="menu-hint">{item.hint}</span>
            </button>
          ))}
        </div>
      ) : null}
    </span>
  );
}

export function ImportRunButton() {
  const actions = useActions();
  const [busy, setBusy] = useState(false);
  const [dragging, setDragging] = useState(false);
  const importFiles = async (files: File[]) => {
    setBusy(true);
    try {
      await actions.importFiles(files);
    } finally {
      setBusy(false);
    }
  };
  const latest = useRef(importFiles);
  latest.current = importFiles;
  // Files (a run file, shard files, a folder of them) dropped anywhere else on the page are imported.
  useEffect(() => {
    const hasFiles = (e: DragEvent) => e.dataTransfer?.types.includes('Files') ?? false;
    const over = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      setDragging(true);
    };
    const leave = (e: DragEvent) => {
      if (e.relatedTarget === null) setDragging(false);
    };
    const drop = (e: DragEvent) => {
      if (!hasFiles(e) || !e.dataTransfer) return;
      setDragging(false);
      // A drop zone of the page took these files for itself (a calibration file, CIFAR batches): not a run to import.
      if (e.defaultPrevented) return;
      e.preventDefault();
      void droppedFiles(e.dataTransfer).then((files) => latest.current(files));
    };
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, []);
  return (
    <span className={dragging ? 'toolbar-item import-drop-target' : 'toolbar-item'} data-dragging={dragging || undefined}>
      <FilePickButton
        label={busy ? 'Reading…' : 'Import run…'}
        accept=".json,.jsonl,application/json"
        inputLabel="Run file, or shard files, to import"
        testId="import-run-input"
        title="Show a run saved with Export › Run as JSON again, without re-running it; or pick the shard files (.jsonl) of a search run on a cluster to merge them here. Files and folders can also be dropped on the page."
        disabled={busy}
        multiple
        onFiles={importFiles}
      />
      <FilePickButton
        label="Shard folder…"
        accept=""
        inputLabel="Folder of shard files to import"
        testId="import-shard-folder-input"
        title="Pick the folder the shards of a cluster search wrote (neuronas search --shard … --out DIR): they are merged here as neuronas merge does, or shown shard by shard while some are missing or still running"
        disabled={busy}
        folder
        onFiles={importFiles}
      />
    </span>
  );
}
