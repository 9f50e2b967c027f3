import { html } from './ui.js';

export function MoleculesPage() {
  return html`<h1>Molecules</h1>`;
}
