import { vi } from "vitest";
import { call, type ApiResponse, type CallOptions } from "./api";
import { allRows } from "./shards";

/** A key no other test uses (tests of one file share the database). */
export const newKey = () => `key-${crypto.randomUUID()}`;

/** The response text with its request id blanked: what a replay must reproduce byte for byte. */
export function withoutRequestId(res: ApiResponse): string {
  return res.text.replace(`"request_id":"${res.body.meta.request_id}"`, '"request_id":"…"');
}

/** Sends one request and reads what it asked of D1 from its request log line (src/middleware/request-log.ts). */
export async function callWithD1Usage(method: string, path: string, options: CallOptions) {
  const spy = vi.spyOn(console, "log").mockImplementation(() => {});
  try {
    const res = await call(method, path, options);
    const line = spy.mock.calls
      .map((args) => JSON.parse(String(args[0])) as { event: string; d1_queries: number; d1_rows_read: number; d1_rows_written: number })
      .find((entry) => entry.event === "request")!;
    return { res, queries: line.d1_queries, rowsRead: line.d1_rows_read, rowsWritten: line.d1_rows_written };
  } finally {
    spy.mockRestore();
  }
}

/** The stored idempotency keys of a subject, without their snapshots. */
export async function idempotencyKeysOf(subject: string) {
  // On every shard: each key lives on the shard of the organization it wrote for.
  const rows = await allRows<{ route: string; key: string }>("SELECT route, key, status, expires_at FROM idempotency_keys WHERE subject = ?", subject);
  return rows.sort((a, b) => (a.route === b.route ? (a.key < b.key ? -1 : 1) : a.route < b.route ? -1 : 1));
}
