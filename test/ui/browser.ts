import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';

/** Debian's `chromium` package; BIOBRIDGE_CHROMIUM points elsewhere. */
export const chromiumPath = process.env['BIOBRIDGE_CHROMIUM'] ?? '/usr/bin/chromium';

/** Where screenshots go: BIOBRIDGE_UI_SCREENSHOTS (docs/screenshots for the README), else a scratch folder. */
export const screenshotDirectory =
  process.env['BIOBRIDGE_UI_SCREENSHOTS'] ?? join(tmpdir(), 'biobridge-ui-screenshots');

const launchFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface TestBrowser {
  context: BrowserContext;
  /** Console errors and uncaught page errors seen so far, on every page. */
  problems: string[];
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  screenshot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

/** Chromium with a fresh profile; every console error and page error is recorded. */
export async function launchBrowser(): Promise<TestBrowser> {
  if (!existsSync(chromiumPath))
    throw new Error(`no Chromium at ${chromiumPath}: apt-get install -y chromium, or set BIOBRIDGE_CHROMIUM`);
  const profile = await mkdtemp(join(tmpdir(), 'biobridge-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: launchFlags,
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  await mkdir(screenshotDirectory, { recursive: true });
  const problems: string[] = [];
  const watch = (page: Page) => {
    page.on('console', (message: ConsoleMessage) => {
      if (message.type() === 'error') problems.push(`console error on ${page.url()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error on ${page.url()}: ${error.message}`));
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  return {
    context,
    problems,
    async newPage(viewport) {
      const page = await context.newPage();
      if (viewport) await page.setViewportSize(viewport);
      return page;
    },
    async screenshot(page, name) {
      await page.screenshot({ path: join(screenshotDirectory, `${name}.png`), type: 'png' });
    },
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
