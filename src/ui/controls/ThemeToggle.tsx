/** Light, dark or the system's theme: a radio group (arrow keys move between the three), remembered in this browser. */
import { THEME_CHOICES, useTheme, type ThemeChoice } from '../theme.ts';
import './controls.css';

const LABEL: Record<ThemeChoice, string> = { light: 'Light', dark: 'Dark', system: 'System' };

export function ThemeToggle() {
  const choice = useTheme((s) => s.choice);
  const setChoice = useTheme((s) => s.setChoice);
  return (
    <fieldset className="theme-toggle" data-testid="theme-toggle">
      <legend className="visually-hidden">Theme</legend>
      {THEME_CHOICES.map((c) => (
        <label key={c} className={c === choice ? 'active' : undefined} title={c === 'system' ? "Follow the system's light or dark setting" : `${LABEL[c]} theme`}>
          <input type="radio" name="theme" value={c} checked={c === choice} onChange={() => setChoice(c)} />
          {LABEL[c]}
        </label>
      ))}
    </fieldset>
  );
}
