import { describe, expect, it } from 'vitest';
import {
  createVersionedHandler,
  INDEX_VERSION_HEADER,
  type VersionedApp,
} from '../../src/http/versioned-handler.js';

/** A handler per version that answers with its version and can hold a response body open. */
function versionApp(version: string, events: string[]) {
  let holdBody: ReadableStreamDefaultController<Uint8Array> | undefined;
  const app: VersionedApp & { endHeldBody(): void } = {
    fetch(request) {
      if (new URL(request.url).pathname === '/slow')
        return new Response(
          new ReadableStream<Uint8Array>({
            start(controller) {
              holdBody = controller;
              controller.enqueue(new TextEncoder().encode(`${version}:`));
            },
          }),
        );
      return new Response(version);
    },
    async close() {
      events.push(`closed ${version}`);
    },
    endHeldBody() {
      holdBody!.enqueue(new TextEncoder().encode('done'));
      holdBody!.close();
    },
  };
  return app;
}

function setup(options: { load?: (version: string) => Promise<ReturnType<typeof versionApp>> } = {}) {
  const events: string[] = [];
  const pointer = { version: 'v1' };
  const apps = new Map([['v1', versionApp('v1', events)]]);
  const handler = createVersionedHandler({
    initial: { version: 'v1', app: apps.get('v1')! },
    currentVersion: async () => pointer.version,
    load:
      options.load ??
      (async (version) => {
        const app = versionApp(version, events);
        apps.set(version, app);
        return app;
      }),
    pollIntervalMs: 60_000,
    onChange: (event) => events.push(event.kind),
  });
  return { handler, pointer, apps, events };
}

const get = (handler: { fetch(request: Request): Promise<Response> }, path = '/') =>
  handler.fetch(new Request(`http://test${path}`));

describe('createVersionedHandler', () => {
  it('serves the current version and tags each response with it', async () => {
    const { handler } = setup();
    const response = await get(handler);
    expect(await response.text()).toBe('v1');
    expect(response.headers.get(INDEX_VERSION_HEADER)).toBe('v1');
    await handler.close();
  });

  it('switches when the pointer moves and closes the old version at once when it is idle', async () => {
    const { handler, pointer, events } = setup();
    pointer.version = 'v2';
    await handler.poll();
    expect(await (await get(handler)).text()).toBe('v2');
    expect(events).toEqual(['switched', 'closed v1', 'released']);
    await handler.close();
  });

  it('keeps a version open until the body of a request that started on it ends', async () => {
    const { handler, pointer, apps, events } = setup();
    const pinned = await get(handler, '/slow');
    pointer.version = 'v2';
    await handler.poll();
    expect(await (await get(handler)).text()).toBe('v2');
    expect(events).toEqual(['switched']);
    expect(handler.openVersions()).toEqual([
      { version: 'v2', inFlight: 0, current: true },
      { version: 'v1', inFlight: 1, current: false },
    ]);
    apps.get('v1')!.endHeldBody();
    expect(await pinned.text()).toBe('v1:done');
    expect(pinned.headers.get(INDEX_VERSION_HEADER)).toBe('v1');
    await expect.poll(() => events).toEqual(['switched', 'closed v1', 'released']);
    await handler.close();
  });

  it('releases a pinned version when its client cancels the body', async () => {
    const { handler, pointer, events } = setup();
    const pinned = await get(handler, '/slow');
    pointer.version = 'v2';
    await handler.poll();
    await pinned.body!.cancel();
    await expect.poll(() => events).toContain('closed v1');
    await handler.close();
  });

  it('keeps serving the old version when the new one fails to load, and does not retry it on every poll', async () => {
    let loads = 0;
    const { handler, pointer, events } = setup({
      load: async () => {
        loads++;
        throw new Error('encoder file truncated');
      },
    });
    pointer.version = 'v2';
    await handler.poll();
    await handler.poll();
    expect(loads).toBe(1);
    expect(events).toEqual(['load-failed']);
    expect(await (await get(handler)).text()).toBe('v1');
    await handler.close();
    expect(events).toContain('closed v1');
  });
});
