import OpenAI, { APIError } from 'openai';
import { expect } from 'vitest';

/** The unmodified `openai` SDK pointed at our /v1 on a loopback port, without retries. */
export function openAiSdkClient(port: number, apiKey: string, timeout: number): OpenAI {
  return new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey, maxRetries: 0, timeout });
}

/** Expects the SDK's error for a 400 that names tool_choice in OpenAI's error fields {message, type, param, code}. */
export function expectToolChoiceRefused(error: unknown): APIError {
  expect(error).toBeInstanceOf(APIError);
  expect(error).toMatchObject({
    status: 400,
    type: 'invalid_request_error',
    param: 'tool_choice',
    code: 'BAD_REQUEST',
  });
  return error as APIError;
}
