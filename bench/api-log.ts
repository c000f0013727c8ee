// The API's per-request JSON log line, as wrangler dev relays it: the only place the API
// reports what D1 did for a request (fields d1_queries, d1_rows_read, d1_rows_written).
import type { D1Usage } from "./twins/wire.ts";
import { sleep } from "./processes.ts";

export interface RequestLine {
  method: string;
  route: string | null;
  status: number;
  d1_queries?: number;
  d1_rows_read?: number;
  d1_rows_written?: number;
}

const REQUEST_LINE = /\{"level":"\w+","event":"request",.*\}/;
const SETTLE_TIMEOUT_MS = 30_000;
// Colour codes wrangler may put around a relayed line (built from a string: a regex literal with
// a control character trips the linter).
const ANSI_ESCAPE = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, "g");

export class ApiRequestLog {
  readonly lines: RequestLine[] = [];

  /** Feed every output line; the request log lines among them are kept. */
  read(line: string): void {
    // Strip colours wrangler may add around the worker's output.
    const match = REQUEST_LINE.exec(line.replace(ANSI_ESCAPE, ""));
    if (!match) return;
    try {
      this.lines.push(JSON.parse(match[0]) as RequestLine);
    } catch {
      // Not one of ours.
    }
  }

  /**
   * Sends GET /health and waits until its log line arrives: wrangler relays the lines in
   * order, so every request answered before it has been logged by then. Returns the index
   * after the marker.
   */
  async mark(apiUrl: string): Promise<number> {
    const healthLines = () => this.lines.filter((line) => line.route === "/health").length;
    const before = healthLines();
    await fetch(`${apiUrl}/health`).then((res) => res.arrayBuffer());
    const deadline = Date.now() + SETTLE_TIMEOUT_MS;
    while (healthLines() <= before) {
      if (Date.now() > deadline) throw new Error("bench: the API's request log line for GET /health never arrived");
      await sleep(50);
    }
    return this.lines.length;
  }
}

/**
 * D1 usage per request, averaged over the lines in [from, to) that match; undefined when the
 * API does not log it (then the bench prints "n/a").
 */
export function averageUsage(lines: RequestLine[], match: (line: RequestLine) => boolean): D1Usage | undefined {
  const measured = lines.filter((line) => match(line) && typeof line.d1_rows_read === "number");
  if (measured.length === 0) return undefined;
  const mean = (pick: (line: RequestLine) => number | undefined) => measured.reduce((sum, line) => sum + (pick(line) ?? 0), 0) / measured.length;
  return { queries: mean((l) => l.d1_queries), rows_read: mean((l) => l.d1_rows_read), rows_written: mean((l) => l.d1_rows_written) };
}
