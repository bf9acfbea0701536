/** The one assertion for API errors: the status, a JSON content type, and `{error: {code, message}}`. */
import { expect } from 'vitest';
import type { TestResponse } from './test-app.ts';

export function expectError(res: TestResponse, status: number, code: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get('content-type') ?? '').toMatch(/application\/json/);
  expect(res.body).toEqual({ error: { code, message: expect.any(String) } });
  expect(res.body.error.message.length).toBeGreaterThan(0);
}
