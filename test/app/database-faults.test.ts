import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { call, describeResponse, type ApiResponse } from "../helpers/api";
import { seedSegments, snapshotTables } from "../helpers/db";
import { expectErrorLogs } from "../helpers/expected-logs";
import { faultyD1, INJECTED_FAULT_MESSAGE } from "../helpers/faulty-d1";
import { ORG, seedCatalog, validGroup } from "../helpers/fixtures";
import { createGroup } from "../helpers/segment-groups";
import { tokenFor } from "../helpers/tokens";
import { SHARDED } from "../helpers/shards";

beforeEach(seedCatalog);

interface WriteRequest {
  method: string;
  path: string;
  json?: unknown;
  headers?: Record<string, string>;
  /** The status the request gets when no call fails. */
  success: number;
}

let nextId = 7000;
const freshSegmentId = () => ++nextId;

// Each builds its request on fresh rows, so every injected fault starts from the same story.
const WRITE_ROUTES: [string, () => Promise<WriteRequest>][] = [
  ["POST /segment_groups", async () => ({ method: "POST", path: "/segment_groups", json: validGroup(), success: 201 })],
  [
    "PATCH /segment_groups/{id}",
    async () => {
      const group = await createGroup();
      return {
        method: "PATCH",
        path: `/segment_groups/${group.body.data.id}`,
        json: { name: "Renamed", segment_subgroup: [{ segment_operator: "OR", segment_members: [{ segment_id: 102, segment_type: "CONTEXTUAL" }] }] },
        headers: { "If-Match": group.headers.get("ETag")! },
        success: 200,
      };
    },
  ],
  [
    "DELETE /segment_groups/{id}",
    async () => ({ method: "DELETE", path: `/segment_groups/${(await createGroup()).body.data.id}`, success: 204 }),
  ],
  [
    "PUT /segments/{segment_type}/{segment_id} (replace)",
    async () => {
      const id = freshSegmentId();
      await seedSegments([{ segment_type: "3P", segment_id: id, organization_id: ORG }]);
      return { method: "PUT", path: `/segments/3P/${id}`, json: { name: "Replaced", organization_id: ORG }, success: 200 };
    },
  ],
  [
    "POST /segments/bulk",
    async () => {
      const existing = freshSegmentId();
      await seedSegments([{ segment_type: "3P", segment_id: existing, organization_id: ORG }]);
      const items = [
        { segment_type: "3P", segment_id: existing, name: "Replaced", organization_id: ORG },
        { segment_type: "3P", segment_id: freshSegmentId(), name: "New", organization_id: ORG },
      ];
      return { method: "POST", path: "/segments/bulk", json: { items }, success: 200 };
    },
  ],
  [
    "DELETE /segments/{segment_type}/{segment_id}",
    async () => {
      const id = freshSegmentId();
      await seedSegments([{ segment_type: "3P", segment_id: id, organization_id: ORG }]);
      return { method: "DELETE", path: `/segments/3P/${id}`, success: 204 };
    },
  ],
];

async function send(request: WriteRequest, db: D1Database): Promise<ApiResponse> {
  return call(request.method, request.path, { token: await tokenFor([ORG]), json: request.json, headers: request.headers, env: { DB: db } });
}

// The faulty D1 wraps DB alone; under npm run test:shards the organization may live elsewhere.
describe.skipIf(SHARDED)("a database failure at any call of a write", () => {
  it.each(WRITE_ROUTES)("%s: 503 database_unavailable, nothing written, no SQL in the answer", async (_, build) => {
    const logs = expectErrorLogs();
    // How many D1 calls the request makes when nothing fails; then fail each one in turn.
    const probe = faultyD1(env.DB);
    const probeRequest = await build();
    const succeeded = await send(probeRequest, probe.db);
    expect(succeeded.status, describeResponse(succeeded)).toBe(probeRequest.success);
    expect(probe.calls.length).toBeGreaterThan(0);

    for (let failOn = 1; failOn <= probe.calls.length; failOn++) {
      const request = await build();
      const faulty = faultyD1(env.DB, failOn);
      const before = await snapshotTables();
      const res = await send(request, faulty.db);
      const where = `failing call ${failOn} of ${probe.calls.length} (${probe.calls[failOn - 1]}): ${describeResponse(res)}`;
      expect(res.status, where).toBe(503);
      expect(res.body.errors, where).toEqual([{ code: "database_unavailable", message: expect.any(String) }]);
      expect(res.headers.get("Retry-After"), where).toMatch(/^\d+$/);
      for (const leak of ["SELECT", "secret_column", "D1_ERROR", "SQLITE", "injected"]) expect(res.text, where).not.toContain(leak);
      expect(await snapshotTables(), `${where}\nrows changed`).toEqual(before);
    }
    // The driver's message goes to the log, with the request id, for the operator.
    expect(logs.lines()).toHaveLength(probe.calls.length);
    for (const line of logs.lines()) expect(line).toMatchObject({ event: "database_error", cause: INJECTED_FAULT_MESSAGE });
  });
});
