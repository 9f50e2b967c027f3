import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRDKit } from '../../src/chem/rdkit.js';
import { createRdkitToolkit, type ChemToolkit } from '../../src/chem/toolkit.js';
import { createDepictRoutes } from '../../src/http/routes/depict.js';
import { createLookupRoutes } from '../../src/http/routes/lookup.js';
import { createReportRoutes } from '../../src/http/routes/reports.js';
import { createUiRoutes } from '../../src/http/routes/ui.js';
import { createNameLookup, type NameEntry } from '../../src/store/name-lookup.js';
import { createTemporaryDirectory } from '../kg/csv-test-helpers.js';
import { buildTestApp, jsonOf, postJson } from './test-app.js';

const entries: NameEntry[] = [
  { nodeIndex: 0, type: 'gene/protein', id: '25', name: 'ABL1', aliases: ['P00519', 'ABL proto-oncogene 1'] },
  { nodeIndex: 1, type: 'gene/protein', id: '1956', name: 'EGFR', aliases: ['P00533'] },
  { nodeIndex: 2, type: 'gene/protein', id: '27', name: 'ABL2', aliases: [] },
  { nodeIndex: 3, type: 'drug', id: 'DB00619', name: 'Imatinib', aliases: [] },
];

let toolkit: ChemToolkit;
let toolkitRdkit: Awaited<ReturnType<typeof loadRDKit>>;
let reports: Awaited<ReturnType<typeof createTemporaryDirectory>>;
const token = 'ui-test-token';

beforeAll(async () => {
  toolkit = await createRdkitToolkit();
  toolkitRdkit = await loadRDKit();
  reports = await createTemporaryDirectory('biobridge-reports-');
  await reports.write(
    'retrieval-a.json',
    JSON.stringify({
      benchmark: 'retrieval',
      createdAt: '2026-01-02T00:00:00Z',
      machine: { cpu: 'test cpu', cores: 2 },
    }),
  );
  await reports.write('qa-b.json', JSON.stringify({ benchmark: 'qa', createdAt: '2026-02-01T00:00:00Z' }));
  await reports.write('broken.json', '{ not json');
  await reports.write('notes.md', '# not a report');
});
afterAll(async () => {
  toolkit?.dispose();
  await reports?.cleanup();
});

function appWith(options: { authToken?: string } = {}) {
  return buildTestApp({
    options,
    dependencies: {
      features: [
        createLookupRoutes({ lookup: createNameLookup(entries), entries: async () => entries }),
        createDepictRoutes({ toolkit, rdkit: toolkitRdkit }),
        createReportRoutes({ directory: reports.path }),
        createUiRoutes({ authRequired: options.authToken !== undefined }),
      ],
    },
  }).app;
}

describe('web UI shell and assets', () => {
  it('serves the app at / with an import map of local modules only, and keeps the API docs at /docs', async () => {
    const app = appWith();
    const page = await app.request('/');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<script type="importmap">');
    expect(html).toContain('src="/ui/app.js"');
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).toContain('data-auth-required="false"');
    expect(await (await app.request('/docs')).text()).toContain('/v1/depict');
  });

  it('serves every module the app imports, and the total stays under 1 MB gzipped', async () => {
    const app = appWith();
    const html = await (await app.request('/')).text();
    const importMap = JSON.parse(/<script type="importmap">(.*?)<\/script>/s.exec(html)![1]!) as {
      imports: Record<string, string>;
    };
    const paths = new Set([
      '/ui/app.js',
      '/ui/style.css',
      '/ui/vendor/uplot.css',
      ...Object.values(importMap.imports),
    ]);
    // Follow the app's relative imports so a missing page module fails here, not in a browser.
    const queue = ['/ui/app.js'];
    while (queue.length > 0) {
      const source = await (await app.request(queue.pop()!)).text();
      for (const match of source.matchAll(/from '\.\/([a-z-]+\.js)'/g)) {
        const path = `/ui/${match[1]}`;
        if (!paths.has(path)) queue.push(path);
        paths.add(path);
      }
    }
    let gzipped = 0;
    for (const path of paths) {
      const response = await app.request(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type'), path).toMatch(/javascript|css/);
      gzipped += gzipSync(Buffer.from(await response.arrayBuffer())).length;
    }
    expect(paths.size).toBeGreaterThanOrEqual(12);
    expect(gzipped).toBeLessThan(1_000_000);
  });

  it('404s as JSON for unknown or unsafe asset names', async () => {
    const app = appWith();
    for (const path of ['/ui/nope.js', '/ui/.env', '/ui/%2e%2e%2fpackage.json', '/ui/vendor/react.mjs']) {
      const response = await app.request(path);
      expect(response.status, path).toBe(404);
      expect((await jsonOf(response)).error.code, path).toBe('NOT_FOUND');
    }
  });

  it('with a token configured: the page and assets are public, the page says a token is needed, the API is not', async () => {
    const app = appWith({ authToken: token });
    const page = await app.request('/');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('data-auth-required="true"');
    expect((await app.request('/ui/app.js')).status).toBe(200);
    expect((await app.request('/ui/vendor/preact.mjs')).status).toBe(200);
    expect((await app.request('/v1/reports')).status).toBe(401);
    expect((await app.request('/v1/reports', { headers: { authorization: `Bearer ${token}` } })).status).toBe(
      200,
    );
  });
});

describe('GET /v1/lookup', () => {
  it('exact matches first, then prefix completions, filtered by type', async () => {
    const body = await jsonOf(await appWith().request('/v1/lookup?q=ABL&type=gene%2Fprotein'));
    expect(body.matches.map((match: { name: string }) => match.name)).toEqual(['ABL1', 'ABL2']);
    const exact = await jsonOf(await appWith().request('/v1/lookup?q=egfr'));
    expect(exact.matches[0]).toMatchObject({ name: 'EGFR', matchKind: 'case-insensitive' });
    const alias = await jsonOf(await appWith().request('/v1/lookup?q=P0051'));
    expect(alias.matches[0]).toMatchObject({ name: 'ABL1', matched: 'P00519' });
  });

  it('400 naming the field for a missing query', async () => {
    const response = await appWith().request('/v1/lookup');
    expect(response.status).toBe(400);
    expect((await jsonOf(response)).error.message).toContain('query.q');
  });
});

describe('POST /v1/depict and /v1/molecules/sdf', () => {
  it('draws a valid SMILES as SVG with its canonical form', async () => {
    const response = await postJson(appWith(), '/v1/depict', { smiles: 'OCC', width: 200, height: 150 });
    const body = await jsonOf(response);
    expect(response.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ canonical: 'CCO', heavyAtoms: 3 });
    expect(body.svg).toContain('<svg');
  });

  it("422 with RDKit's reason for an invalid SMILES", async () => {
    const response = await postJson(appWith(), '/v1/depict', { smiles: 'C1CC(' });
    const body = await jsonOf(response);
    expect(response.status).toBe(422);
    expect(body.error.message).toMatch(/^body\.smiles: invalid SMILES/);
  });

  it('highlights the atoms of structural alerts and names them', async () => {
    const plain = await jsonOf(await postJson(appWith(), '/v1/depict', { smiles: 'O=Cc1ccccc1' }));
    const response = await postJson(appWith(), '/v1/depict', {
      smiles: 'O=Cc1ccccc1',
      highlightAlerts: true,
    });
    const body = await jsonOf(response);
    expect(response.status, JSON.stringify(body).slice(0, 300)).toBe(200);
    expect(body.alerts).toEqual([expect.objectContaining({ family: 'BRENK', name: 'aldehyde' })]);
    expect(body.svg).toContain('<svg');
    expect(body.svg).not.toBe(plain.svg);
    expect(plain.alerts).toBeUndefined();
    const clean = await jsonOf(
      await postJson(appWith(), '/v1/depict', { smiles: 'CCO', highlightAlerts: true }),
    );
    expect(clean.alerts).toEqual([]);
  });

  it('writes an SD file with names, 2D molblocks and data items', async () => {
    const response = await postJson(appWith(), '/v1/molecules/sdf', {
      molecules: [
        { smiles: 'CCO', name: 'ethanol', properties: { score: 0.5, alerts: '' } },
        { smiles: 'c1ccccc1' },
      ],
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('chemical/x-mdl-sdfile');
    const sdf = await response.text();
    const records = sdf.split('$$$$\n').filter((record) => record.length > 0);
    expect(records).toHaveLength(2);
    expect(records[0]!.split('\n')[0]).toBe('ethanol');
    expect(records[0]).toContain('M  END');
    expect(records[0]).toContain('> <score>\n0.5\n');
    expect(records[1]).toContain('> <SMILES>\nc1ccccc1\n');
    // The parser reads the counts line: 3 atoms and 2 bonds for ethanol.
    expect(records[0]!.split('\n')[3]).toMatch(/^\s*3\s+2\s/);
  });

  it('422 naming the molecule for an unparsable SMILES', async () => {
    const response = await postJson(appWith(), '/v1/molecules/sdf', {
      molecules: [{ smiles: 'CCO' }, { smiles: 'C1CC(' }],
    });
    expect(response.status).toBe(422);
    expect((await jsonOf(response)).error.message).toContain('body.molecules[1].smiles');
  });
});

describe('GET /v1/reports', () => {
  it('lists JSON reports newest first with benchmark, date and machine; unreadable ones still listed', async () => {
    const body = await jsonOf(await appWith().request('/v1/reports'));
    expect(body.reports.map((report: { name: string }) => report.name)).toEqual([
      'qa-b.json',
      'retrieval-a.json',
      'broken.json',
    ]);
    expect(body.reports[1]).toMatchObject({ benchmark: 'retrieval', machine: 'test cpu, 2' });
    expect(body.reports[2]).toMatchObject({ benchmark: null, createdAt: null });
  });

  it('returns one report, 404 for an unknown or unsafe name, 500 for a broken one', async () => {
    const app = appWith();
    expect(await jsonOf(await app.request('/v1/reports/qa-b.json'))).toMatchObject({ benchmark: 'qa' });
    expect((await app.request('/v1/reports/missing.json')).status).toBe(404);
    expect((await app.request('/v1/reports/..%2Fpackage.json')).status).toBe(404);
    expect((await app.request('/v1/reports/notes.md')).status).toBe(404);
    expect((await app.request('/v1/reports/broken.json')).status).toBe(500);
  });
});
