// The single-page app: a hash router over five pages, the navigation bar and the token prompt.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { authRequired, getToken, setToken } from './api.js';
import { html } from './ui.js';
import { ChatPage } from './chat.js';
import { RetrievePage } from './retrieve.js';
import { EntityPage } from './entity.js';
import { MoleculesPage } from './molecules.js';
import { BenchmarksPage } from './benchmarks.js';

const pages = [
  { path: 'chat', label: 'Chat', component: ChatPage },
  { path: 'retrieve', label: 'Retrieve', component: RetrievePage },
  { path: 'molecules', label: 'Molecules', component: MoleculesPage },
  { path: 'benchmarks', label: 'Benchmarks', component: BenchmarksPage },
];

/** `#/entity/drug/DB00619?x=1` → { page: 'entity', params: ['drug', 'DB00619'], query }. */
function parseHash(hash) {
  const [path, search = ''] = hash.replace(/^#\/?/, '').split('?');
  const [page = 'chat', ...params] = path.split('/').map((part) => decodeURIComponent(part));
  return { page: page || 'chat', params, query: new URLSearchParams(search) };
}

function useRoute() {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseHash(location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}

function TokenDialog({ onDone }) {
  const [value, setValue] = useState(getToken());
  const submit = (event) => {
    event.preventDefault();
    setToken(value.trim());
    onDone();
  };
  return html`<div class="overlay">
    <form class="dialog" role="dialog" aria-modal="true" aria-labelledby="token-title" onSubmit=${submit}>
      <h2 id="token-title">API token</h2>
      <p>This server needs a bearer token. It is kept in this tab only (session storage).</p>
      <label for="token-input">Token</label>
      <input
        id="token-input"
        type="password"
        autocomplete="off"
        value=${value}
        autofocus
        onInput=${(event) => setValue(event.target.value)}
        required
      />
      <div class="actions"><button type="submit">Save token</button></div>
    </form>
  </div>`;
}

function App() {
  const route = useRoute();
  const [askToken, setAskToken] = useState(authRequired && !getToken());
  useEffect(() => {
    const ask = () => setAskToken(true);
    window.addEventListener('auth-required', ask);
    return () => window.removeEventListener('auth-required', ask);
  }, []);
  useEffect(() => {
    const label = route.page === 'entity' ? 'Entity' : pages.find((page) => page.path === route.page)?.label;
    document.title = `${label ?? 'Not found'} · ${document.body.dataset.title ?? 'BioBridge'}`;
  }, [route.page]);

  const current =
    route.page === 'entity' ? { component: EntityPage } : pages.find((page) => page.path === route.page);
  const Page = current?.component;
  return html`
    <a
      class="skip"
      href="#main"
      onClick=${(event) => {
        event.preventDefault();
        document.getElementById('main')?.focus();
      }}
      >Skip to content</a
    >
    <header class="top">
      <span class="brand">${document.body.dataset.title ?? 'BioBridge'}</span>
      <nav aria-label="Pages">
        ${pages.map((page) => html`<a href=${`#/${page.path}`} aria-current=${route.page === page.path ? 'page' : undefined}>${page.label}</a>`)}
      </nav>
      <span class="top-links">
        ${authRequired ? html`<button type="button" class="link" onClick=${() => setAskToken(true)}>Token</button>` : null}
        <a href="/docs">API</a>
      </span>
    </header>
    <main id="main" tabindex="-1">
      ${
        Page
          ? html`<${Page}
              key=${route.page === 'entity' ? route.params.join('/') : route.page}
              params=${route.params}
              query=${route.query}
            />`
          : html`<div class="error" role="alert">
              No page named “${route.page}”. <a href="#/chat">Go to chat</a>.
            </div>`
      }
    </main>
    ${askToken ? html`<${TokenDialog} onDone=${() => setAskToken(false)} />` : null}
  `;
}

render(html`<${App} />`, document.getElementById('app'));
