/** A button that opens the browser's file picker (a hidden file input) and hands over what was picked. */
import { useRef } from 'react';

export interface FilePickButtonProps {
  label: string;
  /** the input's accept list, e.g. ".json,application/json" */
  accept: string;
  /** accessible name of the hidden input */
  inputLabel: string;
  testId: string;
  title: string;
  disabled?: boolean;
  /** several files may be picked (onFiles gets them all) */
  multiple?: boolean;
  /** a folder is picked: every file in it and below (onFiles gets them all) */
  folder?: boolean;
  onFile?(file: File): void;
  onFiles?(files: File[]): void;
}

export function FilePickButton({ label, accept, inputLabel, testId, title, disabled, multiple, folder, onFile, onFiles }: FilePickButtonProps) {
  const inputRef = useRef<HTMLInputElement>(null);
  // React has no prop for it: the folder picker is the (universally supported) webkitdirectory attribute.
  const folderProps = folder ? ({ webkitdirectory: '' } as Record<string, string>) : {};
  return (
    <>
      <button type="button" onClick={() => inputRef.current?.click()} disabled={disabled} title={title}>
        {label}
      </button>
      <input
        ref={inputRef}
        type="file"
        accept={folder ? undefined : accept}
        multiple={multiple || folder}
        {...folderProps}
        className="visually-hidden"
        tabIndex={-1}
        aria-label={inputLabel}
        data-testid={testId}
        onChange={(e) => {
          const files = [...(e.currentTarget.files ?? [])];
          // Cleared so that picking the same file again fires another change.
          e.currentTarget.value = '';
          if (files.length === 0) return;
          if (onFiles) onFiles(files);
          else onFile?.(files[0]);
        }}
      />
    </>
  );
}
