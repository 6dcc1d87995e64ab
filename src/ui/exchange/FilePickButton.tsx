/** A button that opens the browser's file picker (a hidden file input) and hands over the one file picked. */
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
  onFile(file: File): void;
}

export function FilePickButton({ label, accept, inputLabel, testId, title, disabled, onFile }: FilePickButtonProps) {
  const inputRef = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" onClick={() => inputRef.current?.click()} disabled={disabled} title={title}>
        {label}
      </button>
      <input
        ref={inputRef}
        type="file"
        accept={accept}
        className="visually-hidden"
        tabIndex={-1}
        aria-label={inputLabel}
        data-testid={testId}
        onChange={(e) => {
          const file = e.currentTarget.files?.[0];
          // Cleared so that picking the same file again fires another change.
          e.currentTarget.value = '';
          if (file) onFile(file);
        }}
      />
    </>
  );
}
