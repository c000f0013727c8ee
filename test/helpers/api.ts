import { env, exports } from "cloudflare:workers";
import worker from "../../src/index";
import type { Bindings } from "../../src/app-env";
import { assertMatchesDocument } from "./contract";

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export interface CallOptions {
  token?: string;
  /** Serialised as JSON unless `rawBody` is given. */
  json?: unknown;
  rawBody?: BodyInit;
  headers?: Record<string, string>;
  /** Overrides of the Worker's vars; the request then goes to the default export directly. */
  env?: Partial<Bindings>;
}

/**
 * Sends a request through the Worker's real fetch entry and parses its JSON body. Every
 * response is checked against the OpenAPI document (test/helpers/contract.ts): one the
 * document does not describe fails the calling test.
 */
export async function call(method: string, path: string, options: CallOptions = {}): Promise<ApiResponse> {
  const headers = new Headers(options.headers);
  if (options.token !== undefined) headers.set("Authorization", `Bearer ${options.token}`);
  let body: BodyInit | undefined = options.rawBody;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    if (!headers.has("Content-Type")) headers.set("Content-Type", "application/json");
  }
  const request = new Request(`https://api.test${path}`, { method, headers, body });
  const response = options.env
    ? await worker.fetch(request, { ...env, ...options.env }, { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext)
    : await exports.default.fetch(request);
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  assertMatchesDocument(method, path, { status: response.status, headers: response.headers, text });
  return { status: response.status, headers: response.headers, body: parsed, text };
}

/** "status 201: {...}" — used as the assertion message so a failure shows the body. */
export function describeResponse(res: ApiResponse): string {
  return `status ${res.status}: ${res.text.slice(0, 2000)}`;
}

/** The response's errors as `{code, field?}`, without messages: what most assertions compare. */
export function errorsOf(res: ApiResponse): { code: string; field?: string }[] {
  return res.body.errors.map(({ code, field }: { code: string; field?: string }) => (field === undefined ? { code } : { code, field }));
}
