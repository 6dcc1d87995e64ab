/** The notice for a link that could not be used as it was: what was wrong, and what the page shows instead. */
import { useLinkNotice } from './link-notice.ts';

export function LinkNoticeBanner() {
  const notice = useLinkNotice((s) => s.notice);
  const dismiss = useLinkNotice((s) => s.dismiss);
  if (!notice) return null;
  return (
    <div className="banner banner-warn" role="alert" data-testid="link-notice" data-fell-back={notice.fellBack}>
      <div className="banner-text">
        <strong>
          {notice.fellBack
            ? 'This link could not be used: the page shows the default settings.'
            : `Some settings in this link were adjusted or ignored; the rest are as shared.`}
        </strong>
        <ul>
          {notice.problems.map((p, i) => (
            <li key={i}>{p}</li>
          ))}
        </ul>
      </div>
      <button type="button" onClick={dismiss} data-testid="dismiss-link-notice" aria-label="Dismiss the link notice">
        Dismiss
      </button>
    </div>
  );
}
