import { readFile } from 'node:fs/promises';
import { serve, type ServerType } from '@hono/node-server';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { createUiRoutes } from '../../src/http/routes/ui.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { noopLogger } from '../../src/util/logger.js';
import { answerEvents, createFakeChatAgent } from '../fakes/fake-chat-agent.js';
import { buildTestApp } from '../http/test-app.js';
import { launchBrowser, type TestBrowser } from './browser.js';

// The whole service on the bundled demo index (no LLM: evidence-only answers), in a real Chromium.
let server: RunningServer;
let browser: TestBrowser;
let page: Page;

beforeAll(async () => {
  server = await startServer(loadConfig({ BIOBRIDGE_INDEX: 'indexes/demo', PORT: '0' }), noopLogger);
  browser = await launchBrowser();
  page = await browser.newPage();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const open = (hash: string) => page.goto(`${server.url}/${hash}`);

/**
 * The benchmarks page for the newest retrieval report: the page opens the newest report of any
 * kind, which is whatever benchmark ran last (often QA, which has no plot).
 */
async function retrievalReportPage(): Promise<string> {
  const { reports } = (await (await fetch(`${server.url}/v1/reports`)).json()) as {
    reports: { name: string; benchmark: string | null }[];
  };
  const retrieval = reports.find((report) => report.benchmark === 'retrieval');
  expect(retrieval, 'a retrieval report in eval/reports').toBeDefined();
  return `#/benchmarks?report=${encodeURIComponent(retrieval!.name)}`;
}

/** A deliberate API error makes Chromium log the failed request: exactly one such line is expected, and taken off. */
function takeExpectedProblem(status: number) {
  const expected = browser.problems.filter((problem) => problem.includes(`status of ${status}`));
  expect(expected, browser.problems.join('\n')).toHaveLength(1);
  browser.problems.splice(browser.problems.indexOf(expected[0]!), 1);
}
const text = (selector: string) => page.locator(selector).first().innerText();

describe('web UI on the demo index', () => {
  it('chat: streams an evidence-only answer whose citations open entity cards; facts and predictions apart', async () => {
    await open('#/chat');
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    // A free-form question: its evidence has both KG facts and bridge predictions (a list question
    // such as "Which proteins does imatinib target?" is decided from KG facts alone).
    await page.getByLabel('Question').fill('Tell me about imatinib');
    await page.getByRole('button', { name: 'Send' }).click();
    const answer = page.locator('.turn.assistant').last();
    await answer.locator('.answer-text .citation').first().waitFor();
    await page.getByRole('button', { name: 'Send' }).waitFor({ state: 'attached' });
    expect(await answer.locator('.badge.mode').innerText()).toBe('evidence-only');
    expect(await answer.locator('.answer-text').innerText()).toContain('Imatinib');
    const facts = answer.getByRole('region', { name: 'Knowledge-graph facts' });
    const predictions = answer.getByRole('region', { name: 'Bridge predictions' });
    expect(await facts.locator('li').count()).toBeGreaterThanOrEqual(3);
    expect(await facts.innerText()).toContain('ABL1');
    expect(await predictions.locator('li').count()).toBeGreaterThanOrEqual(1);

    await answer.locator('.answer-text .citation', { hasText: /^E1$/ }).click();
    const card = page.getByRole('dialog', { name: /Entity card/ });
    await card.getByText('Open entity page').waitFor();
    await card.locator('ul.compact li').first().waitFor();
    expect(await card.innerText()).toMatch(/KG fact/);
    await browser.screenshot(page, 'chat');

    // A true/false question gets the structured answer as a badge (the QA agent's `result`).
    await page.getByLabel('Question').fill('True or false: imatinib targets ABL1.');
    await page.getByRole('button', { name: 'Send' }).click();
    const verdict = page.locator('.turn.assistant').nth(1).locator('.badge.result');
    await verdict.waitFor();
    expect(await verdict.innerText()).toMatch(/^true-false: (true|false)\b/);

    // History survives a reload; the next question sends it as context.
    await page.reload();
    await page.locator('.turn.user', { hasText: 'Tell me about imatinib' }).waitFor();
  });

  it('retrieve: draws a SMILES as it is typed, explains an invalid one, and lists results per type with markers', async () => {
    await open('#/retrieve');
    const query = page.getByRole('textbox', { name: /^Query/ });
    await query.fill('C1CC(');
    await page.locator('#retrieve-hint.bad').waitFor();
    expect(await text('#retrieve-hint')).toMatch(/invalid SMILES/);
    expect(await page.getByRole('button', { name: 'Retrieve' }).isDisabled()).toBe(true);
    takeExpectedProblem(422);

    await query.fill('O=Cc1ccccc1');
    await page.locator('#retrieve-hint.ok', { hasText: 'alerts: aldehyde' }).waitFor();

    await query.fill('COc1cc2ncnc(Nc3ccc(F)c(Cl)c3)c2cc1OCCCN1CCOCC1');
    await page.locator('#retrieve-hint.ok').waitFor();
    expect(await text('#retrieve-hint')).toContain('SMILES');
    await page.locator('.query-preview svg').waitFor();
    await page.getByRole('button', { name: 'Retrieve' }).click();
    const proteins = page.getByRole('region', { name: 'Results: gene/protein' });
    await proteins.locator('tbody tr').first().waitFor();
    expect(await proteins.locator('tbody tr').count()).toBeGreaterThanOrEqual(5);
    expect(await proteins.locator('.marker').first().innerText()).toMatch(/prediction|KG fact/);
    expect(await proteins.locator('tbody tr a').first().getAttribute('href')).toMatch(
      /^#\/entity\/gene%2Fprotein\//,
    );
    await browser.screenshot(page, 'retrieve');
  });

  it('entity page: structure drawing, neighbours grouped by relation, and retrieve from here', async () => {
    await open('#/entity/drug/DB00619');
    await page.getByRole('heading', { name: 'Imatinib', level: 1 }).waitFor();
    await page.locator('[aria-label="Structure of Imatinib"] svg').waitFor();
    const targets = page.getByRole('region', { name: 'target → gene/protein' });
    expect(await targets.innerText()).toContain('ABL1');
    expect(await page.getByRole('region', { name: /^indication/ }).count()).toBe(1);
    await browser.screenshot(page, 'entity');

    await page.getByRole('link', { name: /Retrieve from here/ }).click();
    await page.locator('.results-group tbody tr').first().waitFor();
    expect(await page.locator('.marker.fact').count()).toBeGreaterThanOrEqual(1);
  });

  it('molecules: autocomplete, progress from the server, at least 5 drawings, sorting, filtering, CSV and SDF', async () => {
    await open('#/molecules');
    const target = page.getByRole('combobox', { name: /Target protein/ });
    await target.fill('EGF');
    await page.getByRole('option', { name: /^EGFR/ }).waitFor();
    await target.press('ArrowDown');
    await target.press('Enter');
    expect(await target.inputValue()).toBe('EGFR');
    await page.getByLabel('Candidates').fill('8');
    await page.getByLabel('Generations').fill('4');
    await page.getByLabel('Alerts allowed').fill('1');

    // Record every progress label the page shows, however briefly.
    // Browser-side code as strings: this file is type-checked without the DOM library.
    await page.evaluate(`
      window.progressSeen = [];
      new MutationObserver(() => {
        const label = document.querySelector('label[for="generation-progress"]')?.textContent;
        if (label && window.progressSeen.at(-1) !== label) window.progressSeen.push(label);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    `);
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.locator('.molecule-card svg').nth(4).waitFor({ timeout: 90_000 });
    const seen = await page.evaluate<string[]>('window.progressSeen');
    expect(
      seen.some((label) => /Generation [1-4] of 4/.test(label)),
      seen.join(' | '),
    ).toBe(true);

    const cards = page.locator('.molecule-card');
    expect(await cards.count()).toBeGreaterThanOrEqual(5);
    expect(await cards.first().innerText()).toMatch(/QED/);
    expect(await cards.first().innerText()).toMatch(/Provenance: genetic-algorithm/);
    for (const card of await page.locator('.molecule-card.has-alerts').all()) {
      expect(await card.locator('.alert-badge').count()).toBeGreaterThan(0);
      expect(await card.locator('[role="img"]').getAttribute('aria-label')).toContain(
        'alerting atoms highlighted',
      );
    }
    await browser.screenshot(page, 'molecules');

    await page.getByLabel('Sort by').selectOption('qed');
    const qeds = await cards.evaluateAll((elements) =>
      elements.map((element) => Number(element.querySelector('dt:nth-of-type(3) + dd')?.textContent)),
    );
    expect(qeds).toEqual([...qeds].sort((a, b) => b - a));
    await page.getByLabel('Minimum QED').fill('0.99');
    await page.getByText(/^0 of \d+ shown$/).waitFor();
    await page.getByLabel('Minimum QED').fill('0');

    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const csvText = await readFile(await csv.path(), 'utf8');
    expect(csvText.split('\n')[0]).toBe(
      'rank,smiles,combined,bridge,qed,novelty,alerts,molecularWeight,cLogP,nearestKnownDrug,provenance',
    );
    expect(csvText.trim().split('\n').length).toBe((await cards.count()) + 1);
    const [sdf] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export SDF' }).click(),
    ]);
    const sdfText = await readFile(await sdf.path(), 'utf8');
    expect(sdfText.match(/\$\$\$\$/g)?.length).toBe(await cards.count());
    expect(sdfText).toContain('M  END');
  });

  it('benchmarks: a Hits@k plot for a retrieval report and bars for the molecule arms, with date and machine', async () => {
    await open(await retrievalReportPage());
    await page.locator('figure.chart canvas').first().waitFor();
    expect(await text('.report-meta')).toMatch(/Date:.*2026/);
    expect(await text('.report-meta')).toMatch(/Machine:/);
    expect(await page.locator('.uplot .u-legend').innerText()).toContain('bridge');
    expect(await page.locator('table:has(caption)').first().innerText()).toMatch(/hits@10/);
    await browser.screenshot(page, 'benchmarks');

    const molecules = await page
      .locator('#report-select option', { hasText: /^molecules/ })
      .first()
      .getAttribute('value');
    await page.getByRole('combobox', { name: 'Report' }).selectOption(molecules);
    await page.locator('.bar-row').first().waitFor();
    // One bar per arm of that report, whichever arms it ran.
    const arms = await page.evaluate(async (name) => {
      const response = await fetch(`/v1/reports/${encodeURIComponent(name ?? '')}`);
      return Object.keys(((await response.json()) as { summary: Record<string, unknown> }).summary);
    }, molecules);
    expect(arms.length).toBeGreaterThan(0);
    for (const arm of arms) expect(await page.locator('.bars').innerText()).toContain(arm);
  });

  it('is usable at 390 px: no horizontal scrolling, navigation reachable', async () => {
    const phone = await browser.newPage({ width: 390, height: 844 });
    for (const hash of ['#/chat', '#/retrieve', '#/entity/drug/DB00619', '#/molecules', '#/benchmarks']) {
      await phone.goto(`${server.url}/${hash}`);
      await phone.locator('main h1, main .turn, main .empty-state').first().waitFor();
      await phone.waitForTimeout(300);
      const overflow = await phone.evaluate<number>(
        'document.documentElement.scrollWidth - window.innerWidth',
      );
      expect(overflow, hash).toBeLessThanOrEqual(0);
      expect(await phone.getByRole('navigation', { name: 'Pages' }).isVisible()).toBe(true);
    }
    await phone.goto(`${server.url}/#/entity/drug/DB00619`);
    await phone.locator('[aria-label="Structure of Imatinib"] svg').waitFor();
    await browser.screenshot(phone, 'entity-390px');
    await phone.close();
  });

  it('can be driven from the keyboard: skip link, tabbing through the navigation', async () => {
    await open('#/chat');
    await page.reload();
    await page.locator('#question').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string>('document.activeElement?.textContent')).toBe('Skip to content');
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string>('document.activeElement?.textContent')).toBe('Chat');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Retrieve', level: 1 }).waitFor();
  });

  it('shows the API message for an unknown entity instead of a blank page', async () => {
    await open('#/entity/drug/DB99999999');
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').innerText()).toMatch(/NOT_FOUND: .*DB99999999/);
    takeExpectedProblem(404);
  });

  it('loads each page within 1 s', async () => {
    const timings: Record<string, number> = {};
    const benchmarks = await retrievalReportPage();
    for (const [hash, ready] of [
      ['#/chat', '.empty-state, .turn'],
      ['#/retrieve', '#retrieve-query'],
      ['#/entity/drug/DB00619', '.neighbour-group'],
      ['#/molecules', '#target-input'],
      [benchmarks, 'figure.chart canvas'],
    ] as const) {
      const started = performance.now();
      await page.goto(`${server.url}/${hash}`);
      await page.locator(ready).first().waitFor();
      timings[hash] = Math.round(performance.now() - started);
    }
    console.log('page load ms (demo index):', timings);
    for (const [hash, ms] of Object.entries(timings)) expect(ms, hash).toBeLessThanOrEqual(1_000);
  });

  it('logged no console errors', () => {
    expect(browser.problems).toEqual([]);
  });
});

describe('web UI with a bearer token and an LLM-mode agent', () => {
  const token = 'ui-browser-token';
  let tokenServer: ServerType;
  let url: string;
  const agent = createFakeChatAgent({
    events: answerEvents('ABL1 is a target of imatinib [E1]. It binds the kinase domain [E1].'),
    delayMs: 250,
  });

  beforeAll(async () => {
    const { app } = buildTestApp({
      agent,
      options: { authToken: token },
      dependencies: { features: [createUiRoutes({ authRequired: true })] },
    });
    tokenServer = await new Promise<ServerType>((resolve) => {
      const instance = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(instance));
    });
    const address = tokenServer.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => tokenServer?.close(() => resolve()));
  });

  it('asks for the token, shows the API message for a wrong one, streams with the right one and stops on request', async () => {
    const tab = await browser.newPage();
    await tab.goto(`${url}/#/chat`);
    const dialog = tab.getByRole('dialog', { name: 'API token' });
    await dialog.getByLabel('Token').fill('wrong');
    await dialog.getByRole('button', { name: 'Save token' }).click();
    await tab.getByLabel('Question').fill('What does imatinib target?');
    await tab.getByRole('button', { name: 'Send' }).click();
    await tab.locator('.turn.assistant [role="alert"]').waitFor();
    expect(await tab.locator('.turn.assistant [role="alert"]').innerText()).toContain('invalid bearer token');
    await dialog.getByLabel('Token').fill(token);
    await dialog.getByRole('button', { name: 'Save token' }).click();

    await tab.getByLabel('Question').fill('What does imatinib target?');
    await tab.getByRole('button', { name: 'Send' }).click();
    const answer = tab.locator('.turn.assistant').last();
    await answer.locator('.answer-text').waitFor();
    // Tokens arrive one by one: the text grows while the answer is still streaming.
    const early = await answer.locator('.answer-text').innerText();
    await answer.locator('.badge.mode', { hasText: 'LLM' }).waitFor();
    expect((await answer.locator('.answer-text').innerText()).length).toBeGreaterThan(early.length);
    expect(await answer.locator('.answer-text .citation').count()).toBe(2);

    await tab.getByLabel('Question').fill('And nilotinib?');
    await tab.getByRole('button', { name: 'Send' }).click();
    await tab.locator('.turn.assistant').last().locator('.answer-text').waitFor();
    await tab.getByRole('button', { name: 'Stop' }).click();
    await tab.locator('.turn.assistant').last().getByText('stopped').waitFor();
    await expect.poll(() => agent.calls.at(-1)?.outcome).toMatch(/aborted|stopped/);
    // The second question went out with the first exchange as context.
    expect(agent.calls.at(-1)?.input.messages.map((message) => message.role)).toEqual([
      'user',
      'assistant',
      'user',
    ]);
    await browser.screenshot(tab, 'chat-llm-token');
    await tab.close();
    // Only the deliberate wrong token's 401 may be logged by the browser.
    expect(browser.problems.filter((problem) => !problem.includes('status of 401'))).toEqual([]);
  });
});
