import { vi } from "vitest";
import { call, type ApiResponse, type CallOptions } from "./api";

export interface D1UsageLine {
  d1_queries: number;
  d1_rows_read: number;
  d1_rows_written: number;
}

/**
 * Sends a request and reads what it asked of D1 from its request log line (rows read and
 * written as D1's own result meta counts them, index entries and trigger writes included).
 */
export async function callWithUsage(method: string, path: string, options: CallOptions = {}): Promise<{ res: ApiResponse; usage: D1UsageLine }> {
  const spy = vi.spyOn(console, "log").mockImplementation(() => {});
  let res: ApiResponse;
  let lines: string[];
  try {
    res = await call(method, path, options);
    lines = spy.mock.calls.map((args) => args.map(String).join(" "));
  } finally {
    spy.mockRestore();
  }
  const requestLine = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((entry) => entry.event === "request");
  if (!requestLine) throw new Error(`no request log line for ${method} ${path}`);
  const { d1_queries, d1_rows_read, d1_rows_written } = requestLine as unknown as D1UsageLine;
  return { res, usage: { d1_queries, d1_rows_read, d1_rows_written } };
}
