import { Hono } from 'hono';
import type { AppEnv } from '../app-env.js';
import type { Feature } from '../feature.js';
import {
  definePublicGet,
  htmlPageResponses,
  type OpenApiInfo,
  type RouteDefinition,
} from '../route-definition.js';

export const docsRoute = definePublicGet({
  path: '/docs',
  summary: 'This page: routes, methods and example curl commands',
  tags: ['service'],
  responses: htmlPageResponses,
});

export const rootRoute: RouteDefinition = { ...docsRoute, path: '/', summary: 'Same page as /docs' };

export interface DocsRoutesOptions {
  routes: () => readonly RouteDefinition[];
  info: OpenApiInfo;
  bearerAuth: boolean;
  /** Serve the page at `/` too (default); off when another feature (the web UI) owns `/`. */
  serveRoot?: boolean | undefined;
}

/** A self-contained HTML page (no external assets) generated from the route definitions. */
export function createDocsRoutes(options: DocsRoutesOptions): Feature {
  const app = new Hono<AppEnv>();
  const page = (c: { req: { url: string } }) =>
    renderDocsPage(options.routes(), options.info, new URL(c.req.url).origin, options.bearerAuth);
  app.get(docsRoute.path, (c) => c.html(page(c)));
  if (options.serveRoot === false) return { app, routes: [docsRoute] };
  app.get(rootRoute.path, (c) => c.html(page(c)));
  return { app, routes: [rootRoute, docsRoute] };
}

export function renderDocsPage(
  routes: readonly RouteDefinition[],
  info: OpenApiInfo,
  origin: string,
  bearerAuth: boolean,
): string {
  const sections = routes
    .filter((route) => route.path !== rootRoute.path)
    .map((route) => {
      const curl = curlExample(route, origin, bearerAuth && !route.public);
      return `<section>
<h2><span class="method ${route.method}">${route.method.toUpperCase()}</span> <code>${escapeHtml(route.path)}</code></h2>
<p>${escapeHtml(route.summary)}${route.public || !bearerAuth ? '' : ' <span class="auth">bearer token</span>'}</p>
${route.description ? `<p class="description">${escapeHtml(route.description)}</p>` : ''}
<pre>${escapeHtml(curl)}</pre>
</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(info.title)} API</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1d232a; }
h1 { margin-bottom: 0; } h2 { font-size: 1.05rem; margin: 0 0 .3rem; }
section { border-top: 1px solid #d8dee4; padding: 1rem 0; }
.method { display: inline-block; min-width: 3.5rem; text-align: center; border-radius: 4px; color: #fff; font-size: .8rem; padding: .1rem .4rem; }
.get { background: #1f6feb; } .post { background: #1a7f37; } .put, .patch { background: #9a6700; } .delete { background: #cf222e; }
.auth { font-size: .8rem; color: #9a6700; border: 1px solid #d4a72c; border-radius: 4px; padding: 0 .3rem; }
.description { color: #57606a; }
pre { background: #f6f8fa; padding: .75rem; overflow-x: auto; border-radius: 6px; }
</style>
</head>
<body>
<h1>${escapeHtml(info.title)}</h1>
<p>Version ${escapeHtml(info.version)}.${info.description ? ` ${escapeHtml(info.description)}` : ''} Machine-readable: <a href="/openapi.json">/openapi.json</a>.</p>
${bearerAuth ? '<p>Routes marked <span class="auth">bearer token</span> need <code>Authorization: Bearer &lt;token&gt;</code>.</p>' : ''}
<p>Errors are JSON: <code>{"error": {"code", "message", "details"?, "requestId"}}</code>. Send <code>x-request-id</code> to choose the id.</p>
${sections}
</body>
</html>`;
}

function curlExample(route: RouteDefinition, origin: string, needsToken: boolean): string {
  const query = route.example?.query ? `?${new URLSearchParams(route.example.query).toString()}` : '';
  const parts = [
    `curl -sS${route.method === 'get' ? '' : ` -X ${route.method.toUpperCase()}`} '${origin}${route.example?.path ?? route.path}${query}'`,
  ];
  if (needsToken) parts.push(`-H "Authorization: Bearer $BIOBRIDGE_TOKEN"`);
  if (route.request?.body) {
    parts.push(`-H 'Content-Type: application/json'`);
    parts.push(`-d '${JSON.stringify(route.example?.body ?? {}).replace(/'/g, `'\\''`)}'`);
  }
  return parts.join(' \\\n  ');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
