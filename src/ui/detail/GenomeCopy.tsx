/** The genome with a copy button (Clipboard API, or a fallback; if both fail the genome is selected for a manual copy). */
import { useRef, useState } from 'react';
import { copyText } from '../exchange/clipboard.ts';
import './detail.css';

export function GenomeCopy({ genome }: { genome: string }) {
  const textRef = useRef<HTMLElement>(null);
  const [status, setStatus] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    const ok = await copyText(genome);
    setStatus(ok ? 'copied' : 'failed');
    if (!ok && textRef.current) {
      const range = document.createRange();
      range.selectNodeContents(textRef.current);
      const sel = window.getSelection();
      sel?.removeAllRanges();
      sel?.addRange(range);
    }
  };
  return (
    <span className="genome-copy">
      <code ref={textRef} className="genome" data-testid="detail-genome">
        {genome}
      </code>
      <button type="button" onClick={() => void copy()} aria-describedby="genome-copy-status">
        Copy genome
      </button>
      <span id="genome-copy-status" className="copy-status" role="status">
        {status === 'copied' ? 'Copied' : status === 'failed' ? 'Could not copy: the genome is selected, press Ctrl+C' : ''}
      </span>
    </span>
  );
}
