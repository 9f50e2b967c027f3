import { zValidator } from '@hono/zod-validator';
import type { Context } from 'hono';
import type { ValidationTargets } from 'hono';
import type { z } from 'zod';
import type { $ZodError } from 'zod/v4/core';
import { AppError } from '../errors.js';

/** One problem with a request, `path` rooted at the part of the request (`body.k`, `query.limit`). */
export interface ValidationProblem {
  path: string;
  message: string;
}

const targetNames: Record<keyof ValidationTargets, string> = {
  json: 'body',
  form: 'body',
  query: 'query',
  param: 'path',
  header: 'header',
  cookie: 'cookie',
};

/** Flattens zod issues into `path: message` problems, one per unknown key. */
export function validationProblems(error: Pick<$ZodError, 'issues'>, root: string): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  for (const issue of error.issues) {
    const base = formatPath(root, issue.path);
    // A union's own error message (the schema author's) wins over any alternative's.
    const branch =
      issue.code === 'invalid_union' && issue.message === 'Invalid input'
        ? matchingBranch(issue.errors)
        : undefined;
    if (branch) {
      // Report the problems of the one alternative the value had the shape of, not "Invalid input".
      problems.push(...validationProblems({ issues: branch }, base));
      continue;
    }
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        problems.push({ path: formatPath(root, [...issue.path, key]), message: 'unknown field' });
      continue;
    }
    problems.push({ path: base, message: issue.message.replace(/^Invalid input: /, '') });
  }
  return problems;
}

type Issue = $ZodError['issues'][number];

/**
 * Of a union's alternatives, the one the value had the shape of: the only alternative that did not
 * fail on the value's own type (an array sent where an object fits fails only inside the object).
 */
function matchingBranch(branches: readonly (readonly Issue[])[]): Issue[] | undefined {
  const shaped = branches.filter(
    (issues) => !issues.every((issue) => issue.path.length === 0 && issue.code === 'invalid_type'),
  );
  return shaped.length === 1 ? [...shaped[0]!] : undefined;
}

/** `body.messages[0].content`; keys that are not identifiers are quoted: `body["a b"]`. */
export function formatPath(root: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => {
    if (typeof key === 'number') return `${text}[${key}]`;
    const name = String(key);
    return /^[A-Za-z_$][\w$]*$/.test(name) ? `${text}.${name}` : `${text}[${JSON.stringify(name)}]`;
  }, root);
}

const jsonMediaType = /^application\/([\w.-]+\+)?json$/i;

/**
 * The shared validation hook: a failure becomes a 400 `BAD_REQUEST` AppError whose message names
 * each offending field, e.g. `body.k: expected number, received string`. JSON bodies must also be
 * sent as JSON, since Hono silently validates `{}` otherwise.
 */
export function validationHook(
  result: ({ success: true; data: unknown } | { success: false; error: $ZodError; data: unknown }) & {
    target: keyof ValidationTargets;
  },
  c: Context,
): void {
  if (result.target === 'json') {
    const contentType = c.req.header('content-type') ?? '';
    const mediaType = contentType.split(';')[0]?.trim() ?? '';
    if (!jsonMediaType.test(mediaType)) {
      throw new AppError({
        code: 'BAD_REQUEST',
        message: `request body must be JSON sent with Content-Type: application/json (got ${contentType ? `'${contentType}'` : 'no Content-Type'})`,
      });
    }
  }
  if (result.success) return;
  const problems = validationProblems(result.error, targetNames[result.target]);
  throw new AppError({
    code: 'BAD_REQUEST',
    message: problems.map((problem) => `${problem.path}: ${problem.message}`).join('; '),
    details: { problems },
  });
}

/** `zValidator('json', schema)` with the shared hook. */
export const jsonBody = <Schema extends z.ZodType>(schema: Schema) =>
  zValidator('json', schema, validationHook);

/** `zValidator('query', schema)` with the shared hook. */
export const queryParameters = <Schema extends z.ZodType>(schema: Schema) =>
  zValidator('query', schema, validationHook);
