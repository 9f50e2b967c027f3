import { randomUUID } from 'node:crypto';
import { Hono, type MiddlewareHandler } from 'hono';
import { z } from 'zod';
import type { ChatAgent } from '../agents/chat-agent.js';
import { noopLogger, type Logger } from '../util/logger.js';
import type { AppEnv } from './app-env.js';
import { cors } from 'hono/cors';
import { createConcurrencyLimiter } from './concurrency.js';
import { createMetricsRegistry, requestMetrics, type MetricsRegistry } from './metrics.js';
import { createErrorHandler, createNotFoundHandler } from './error-handler.js';
import type { Feature } from './feature.js';
import { bearerAuth } from './middleware/bearer-auth.js';
import { bodyLimit } from './middleware/body-limit.js';
import { requestContext } from './middleware/request-context.js';
import { requestLogger } from './middleware/request-logger.js';
import { requestTimeout } from './middleware/request-timeout.js';
import type { RouteDefinition } from './route-definition.js';
import { createChatRoutes } from './routes/chat.js';
import { createDocsRoutes } from './routes/docs.js';
import { createHealthRoutes, type HealthCheck } from './routes/health.js';
import { createOpenAiCompatRoutes } from './routes/openai-compat.js';
import { createMetricsRoutes } from './routes/metrics.js';
import { createOpenApiRoutes } from './routes/openapi.js';

/** HTTP settings with their defaults; `src/config` maps the environment onto them. */
export const httpOptionsSchema = z.object({
  /** Larger bodies get 413. Chat requests are small; 1 MiB leaves room for long protein sequences. */
  bodyLimitBytes: z.number().int().positive().default(1_048_576),
  /** Time to response headers before 504; streams run on once started. */
  requestTimeoutMs: z.number().int().positive().default(120_000),
  /** When set, every route except health and docs needs `Authorization: Bearer <token>`. */
  authToken: z.string().min(1).optional(),
  /** Model ids the OpenAI-compatible face lists and accepts. */
  modelIds: z.array(z.string().min(1)).min(1).default(['biobridge']),
  /**
   * Chat answers in progress at once. A chat holds an inference slot only while it retrieves
   * (the retriever given to the agent takes one), and the LLM has its own pool, so this bounds
   * memory and sockets, not CPU.
   */
  maxConcurrentChats: z.number().int().positive().default(64),
  /** Chats waiting to start before new ones get 503 with Retry-After. */
  maxQueuedChats: z.number().int().min(0).default(64),
  healthCheckTimeoutMs: z.number().int().positive().default(2_000),
  /** Origins allowed by CORS (`*` for any); empty (the default) sends no CORS headers at all. */
  corsOrigins: z.array(z.string().min(1)).default([]),
  info: z
    .object({ title: z.string(), version: z.string(), description: z.string().optional() })
    .default({ title: 'BioBridge', version: '0.1.0' }),
});
export type HttpOptions = z.input<typeof httpOptionsSchema>;

export interface AppDependencies {
  chatAgent: ChatAgent;
  logger?: Logger;
  /** Readiness checks for `/health` (index, bridge, `createLlmHealthCheck(llm)`…). */
  healthChecks?: readonly HealthCheck[];
  /** Where request latencies go and `/metrics` reads from; the service adds its gauges to it. */
  metrics?: MetricsRegistry;
  /** Further features (retrieval, molecules…), mounted after the built-in ones. */
  features?: readonly Feature[];
  /** Runs before every route, after auth and limits: requests wait here for parts still loading. */
  admit?: MiddlewareHandler<AppEnv> | undefined;
}

/** Test seams: deterministic ids and clock. */
export interface AppInternals {
  generateId?: () => string;
  /** Milliseconds since the epoch. */
  now?: () => number;
}

/**
 * The whole HTTP service, wired in one place: request context, logging, auth, body limit and
 * timeout middleware, the single error handler, and one sub-app per feature.
 */
export function createApp(
  dependencies: AppDependencies,
  options: HttpOptions = {},
  _internal: AppInternals = {},
): Hono<AppEnv> {
  const settings = httpOptionsSchema.parse(options);
  const logger = dependencies.logger ?? noopLogger;
  const generateId = _internal.generateId ?? (() => randomUUID().replace(/-/g, ''));
  const now = _internal.now ?? Date.now;
  const chatLimiter = createConcurrencyLimiter({
    maxConcurrent: settings.maxConcurrentChats,
    maxQueued: settings.maxQueuedChats,
    name: 'chat',
  });

  const metrics = dependencies.metrics ?? createMetricsRegistry();
  metrics.addCollector({
    name: 'biobridge_chat_queue',
    help: 'Chat answers running and waiting for admission.',
    type: 'gauge',
    samples: () => [
      { labels: { state: 'running' }, value: chatLimiter.active },
      { labels: { state: 'queued' }, value: chatLimiter.queued },
    ],
  });

  const routes: RouteDefinition[] = [];
  const bearer = settings.authToken !== undefined;
  const rootTaken = (dependencies.features ?? []).some((feature) =>
    feature.routes.some((route) => route.method === 'get' && route.path === '/'),
  );
  const features: Feature[] = [
    createHealthRoutes({ checks: dependencies.healthChecks ?? [], timeoutMs: settings.healthCheckTimeoutMs }),
    createDocsRoutes({
      routes: () => routes,
      info: settings.info,
      bearerAuth: bearer,
      serveRoot: !rootTaken,
    }),
    createOpenApiRoutes({ routes: () => routes, info: settings.info, bearerAuth: bearer }),
    createMetricsRoutes({ registry: metrics }),
    createChatRoutes({ chatAgent: dependencies.chatAgent, chatLimiter }),
    createOpenAiCompatRoutes({
      chatAgent: dependencies.chatAgent,
      chatLimiter,
      modelIds: settings.modelIds,
      generateId,
      now,
    }),
    ...(dependencies.features ?? []),
  ];
  for (const feature of features) routes.push(...feature.routes);

  const app = new Hono<AppEnv>();
  app.onError(createErrorHandler());
  app.notFound(createNotFoundHandler());

  app.use(requestContext({ logger, generateId: () => `req_${generateId()}` }));
  app.use(requestLogger());
  app.use(requestMetrics(metrics));
  if (settings.corsOrigins.length > 0)
    app.use(
      cors({
        origin: settings.corsOrigins.includes('*') ? '*' : settings.corsOrigins,
        allowHeaders: ['authorization', 'content-type', 'x-request-id'],
        exposeHeaders: ['x-request-id', 'retry-after'],
        maxAge: 600,
      }),
    );
  if (settings.authToken !== undefined) {
    app.use(
      bearerAuth({
        token: settings.authToken,
        publicPaths: routes.filter((route) => route.public).map((route) => route.path),
      }),
    );
  }
  app.use(bodyLimit({ maxBytes: settings.bodyLimitBytes }));
  app.use(requestTimeout({ timeoutMs: settings.requestTimeoutMs }));
  if (dependencies.admit) app.use(dependencies.admit);

  for (const feature of features) app.route('/', feature.app);
  return app;
}
