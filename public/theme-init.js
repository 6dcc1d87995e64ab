// The stored theme before the first paint (src/ui/theme.ts keeps it up to date afterwards).
// A classic script from the page's origin, not inline: the Content-Security-Policy allows no inline script.
(function () {
  var choice = null;
  try {
    choice = localStorage.getItem('neuronas-studio:theme');
  } catch (e) {}
  if (choice !== 'light' && choice !== 'dark') choice = 'system';
  var dark = choice === 'dark' || (choice === 'system' && window.matchMedia('(prefers-color-scheme: dark)').matches);
  document.documentElement.setAttribute('data-theme', dark ? 'dark' : 'light');
  document.documentElement.setAttribute('data-theme-choice', choice);
})();
