/** Files in and out of the page: a download from text or bytes (Blob + object URL), and an uploaded file read as text. */

export function downloadText(fileName: string, text: string, mime: string): void {
  downloadBlob(fileName, new Blob([text], { type: mime }));
}

export function downloadBytes(fileName: string, bytes: Uint8Array, mime: string): void {
  downloadBlob(fileName, new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mime }));
}

function downloadBlob(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoked later, not at once: some browsers start reading the URL only after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export class FileTooLargeError extends Error {
  override name = 'FileTooLargeError';
}

/** The file's text, refusing a file larger than `maxBytes` before reading it. */
export async function readFileText(file: Blob & { name?: string }, maxBytes: number): Promise<string> {
  if (file.size > maxBytes) {
    throw new FileTooLargeError(`${file.name ?? 'The file'} is ${(file.size / 1048576).toFixed(1)} MB; at most ${Math.round(maxBytes / 1048576)} MB is read.`);
  }
  return file.text();
}

/** A file name from free text: letters, digits, dots, dashes and underscores only. */
export function safeFileName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 120) || 'neuronas';
}
