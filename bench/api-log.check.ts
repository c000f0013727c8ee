// `node --test bench/*.check.ts`: the bench's parsing of the API's request log, without a server.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiRequestLog, averageUsage } from "./api-log.ts";

const line = (fields: Record<string, unknown>) =>
  JSON.stringify({ level: "info", event: "request", request_id: "r", method: "POST", route: "/segment_groups", status: 201, ...fields });

test("keeps the request lines wrangler relays, colours and all, and nothing else", () => {
  const log = new ApiRequestLog();
  log.read(`\x1b[2m${line({ d1_queries: 4, d1_rows_read: 19, d1_rows_written: 17 })}\x1b[0m`);
  log.read("[wrangler:info] POST /segment_groups 201 Created (12ms)");
  log.read('{"level":"error","event":"database_error","cause":"x"}');
  assert.equal(log.lines.length, 1);
  assert.deepEqual(averageUsage(log.lines, () => true), { queries: 4, rows_read: 19, rows_written: 17 });
});

test("averages D1 usage over the matching lines only", () => {
  const log = new ApiRequestLog();
  log.read(line({ d1_queries: 4, d1_rows_read: 10, d1_rows_written: 2 }));
  log.read(line({ d1_queries: 4, d1_rows_read: 20, d1_rows_written: 4 }));
  log.read(line({ method: "GET", status: 200, d1_queries: 1, d1_rows_read: 1000, d1_rows_written: 0 }));
  assert.deepEqual(
    averageUsage(log.lines, (l) => l.method === "POST"),
    { queries: 4, rows_read: 15, rows_written: 3 },
  );
});

test("reports no usage (n/a) when the API does not log it", () => {
  const log = new ApiRequestLog();
  log.read(line({}));
  assert.equal(averageUsage(log.lines, () => true), undefined);
});
