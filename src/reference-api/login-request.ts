/**
 * The POST /api/v1/auth/login body: JSON `{username, password}` or, as FastAPI's
 * OAuth2PasswordRequestForm takes it, `application/x-www-form-urlencoded`.
 */
import { jsonObject, type Parsed } from './market-request.js';

export interface LoginRequest {
  username: string;
  password: string;
}

export function parseLoginRequest(bodyText: string, contentType: string | undefined): Parsed<LoginRequest> {
  let fields: Record<string, unknown>;
  if (/^application\/x-www-form-urlencoded\b/i.test(contentType ?? '')) {
    fields = Object.fromEntries(new URLSearchParams(bodyText));
  } else {
    const body = jsonObject(bodyText, 'valid JSON or a form (application/x-www-form-urlencoded)', 'username, password');
    if (!body.ok) return body;
    fields = body.value;
  }
  const { username, password } = fields;
  if (typeof username !== 'string' || username.length === 0) return { ok: false, error: 'username: expected a non-empty string' };
  if (typeof password !== 'string' || password.length === 0) return { ok: false, error: 'password: expected a non-empty string' };
  return { ok: true, value: { username, password } };
}
