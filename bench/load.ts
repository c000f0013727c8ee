// One load run: autocannon with N connections for a fixed time, reduced to what the report
// needs, and to whether every answer carried the expected status.
import autocannon from "autocannon";

const REQUEST_TIMEOUT_SECONDS = 60;

export interface LoadRequest {
  url: string;
  method: "GET" | "POST" | "PATCH";
  headers?: Record<string, string>;
  body?: string;
  expectedStatus: number;
}

export interface LoadResult {
  /** Answers received. */
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Count per HTTP status, plus "timeout" and "connection error". */
  statuses: Record<string, number>;
}

/**
 * `connections` clients for `seconds`. Answers still in flight when the time is up are dropped,
 * so when fewer than `minAnswers` came back (a request slower than the run), it runs again
 * until `minAnswers` have.
 */
export async function runLoad(request: LoadRequest, options: { connections: number; seconds: number; minAnswers: number }): Promise<LoadResult> {
  const common = {
    url: request.url,
    method: request.method,
    headers: request.headers,
    body: request.body,
    connections: options.connections,
    // Seconds. Before the storage redesign a list page is 5 MB and 16 of them at once take long.
    timeout: REQUEST_TIMEOUT_SECONDS,
  };
  let result = await autocannon({ ...common, duration: options.seconds });
  if (result.requests.total < options.minAnswers) result = await autocannon({ ...common, amount: options.minAnswers });
  const statuses: Record<string, number> = {};
  for (const [status, stats] of Object.entries(result.statusCodeStats ?? {})) statuses[status] = stats.count ?? 0;
  if (result.timeouts > 0) statuses.timeout = result.timeouts;
  if (result.errors > result.timeouts) statuses["connection error"] = result.errors - result.timeouts;
  return {
    requests: result.requests.total,
    requestsPerSecond: result.requests.total / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    statuses,
  };
}

/** Why a run does not count ("" when every answer had the expected status). */
export function unexpectedStatuses(result: LoadResult, expected: number): string {
  const other = Object.entries(result.statuses).filter(([status]) => status !== String(expected));
  const described = other.map(([status, count]) => `${count} × ${status}`).join(", ");
  return result.requests === 0 ? `no answers at all${described ? ` (${described})` : ""}` : described;
}
