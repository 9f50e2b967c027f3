import type { Hono } from 'hono';
import type { AppEnv } from './app-env.js';
import type { RouteDefinition } from './route-definition.js';

/** One feature's sub-app and the definitions of its routes (full paths), mounted by `createApp`. */
export interface Feature {
  app: Hono<AppEnv>;
  routes: readonly RouteDefinition[];
}
