import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { AppError } from '../../errors.js';
import type { AppEnv } from '../app-env.js';
import type { Feature } from '../feature.js';
import { definePublicGet, htmlPageResponses } from '../route-definition.js';

/** The browser app's own modules and stylesheet (plain ES modules, no build step). */
export const WEB_DIRECTORY = fileURLToPath(new URL('../../../web', import.meta.url));

/**
 * Third-party browser modules served from node_modules, by the bare name the app imports them
 * with (the page's import map points each name at `/ui/vendor/<file>`).
 */
const vendorModules = {
  preact: { file: 'preact.mjs', specifier: 'preact' },
  'preact/hooks': { file: 'preact-hooks.mjs', specifier: 'preact/hooks' },
  htm: { file: 'htm.mjs', specifier: 'htm' },
  uplot: { file: 'uplot.mjs', specifier: 'uplot/dist/uPlot.esm.js' },
} as const;
const vendorStyles = { 'uplot.css': 'uplot/dist/uPlot.esm.js' } as const;

const contentTypes: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export const uiRootRoute = definePublicGet({
  path: '/',
  summary: 'The web UI: chat, retrieval, entities, molecule design and benchmarks (API docs: /docs)',
  tags: ['ui'],
  responses: htmlPageResponses,
});

const staticFileResponses = {
  200: { description: 'JavaScript or CSS' },
  404: { description: 'No such file' },
};

export const uiAssetRoute = definePublicGet({
  path: '/ui/:file',
  summary: "The web UI's scripts and stylesheet",
  tags: ['ui'],
  responses: staticFileResponses,
});

export const uiVendorRoute = definePublicGet({
  path: '/ui/vendor/:file',
  summary: "The web UI's libraries (preact, htm, uPlot), served from the package",
  tags: ['ui'],
  responses: staticFileResponses,
});

export interface UiRoutesOptions {
  /** The API needs a bearer token: the page asks for it and sends it. */
  authRequired: boolean;
  title?: string | undefined;
  /** Where the app's modules live; default {@link WEB_DIRECTORY}. */
  webDirectory?: string | undefined;
}

/**
 * The single-page web UI. Pages are public (the token is asked for in the page and sent with
 * every API call); assets are cached by the browser only until the server restarts.
 */
export function createUiRoutes(options: UiRoutesOptions): Feature {
  const app = new Hono<AppEnv>();
  const webDirectory = options.webDirectory ?? WEB_DIRECTORY;
  const vendorPaths = new Map<string, string>();
  for (const module of Object.values(vendorModules))
    vendorPaths.set(module.file, fileURLToPath(import.meta.resolve(module.specifier)));
  // Stylesheets are not importable; they sit beside the module that is.
  for (const [file, beside] of Object.entries(vendorStyles))
    vendorPaths.set(file, join(dirname(fileURLToPath(import.meta.resolve(beside))), 'uPlot.min.css'));
  const shell = renderShell(options);
  const version = Date.now().toString(36);

  const sendFile = async (path: string | undefined, name: string) => {
    const extension = /\.[a-z]+$/.exec(name)?.[0] ?? '';
    const type = contentTypes[extension];
    if (path === undefined || type === undefined)
      throw new AppError({ code: 'NOT_FOUND', message: `no UI file named ${JSON.stringify(name)}` });
    const body = await readFile(path).catch((error: unknown) => {
      throw new AppError({
        code: 'NOT_FOUND',
        message: `no UI file named ${JSON.stringify(name)}`,
        cause: error,
      });
    });
    return new Response(body, {
      headers: { 'content-type': type, 'cache-control': 'no-cache', etag: `"${version}"` },
    });
  };

  app.get(uiRootRoute.path, (c) => c.html(shell));
  app.get(uiVendorRoute.path, (c) => {
    const name = c.req.param('file');
    return sendFile(vendorPaths.get(name), name);
  });
  app.get(uiAssetRoute.path, (c) => {
    const name = c.req.param('file');
    // Only flat names: the route parameter cannot hold a slash, and dot files are refused.
    const safe = /^[a-z0-9][a-z0-9-]*\.(js|css|svg|png)$/.test(name);
    return sendFile(safe ? join(webDirectory, name) : undefined, name);
  });
  return { app, routes: [uiRootRoute, uiAssetRoute, uiVendorRoute] };
}

function renderShell(options: UiRoutesOptions): string {
  const imports = Object.fromEntries(
    Object.entries(vendorModules).map(([name, module]) => [name, `/ui/vendor/${module.file}`]),
  );
  const title = escapeHtml(options.title ?? 'BioBridge');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/ui/vendor/uplot.css">
<link rel="stylesheet" href="/ui/style.css">
<script type="importmap">${JSON.stringify({ imports })}</script>
<script type="module" src="/ui/app.js"></script>
</head>
<body data-auth-required="${options.authRequired ? 'true' : 'false'}" data-title="${title}">
<div id="app"><p class="loading">Loading ${title}…</p></div>
<noscript>This interface needs JavaScript. The API is documented at <a href="/docs">/docs</a>.</noscript>
</body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
