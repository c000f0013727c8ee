import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { call, describeResponse, type ApiResponse } from "./api";
import { mergeIndexBacklog } from "./db";
import { ORG, validGroup } from "./fixtures";
import { tokenFor } from "./tokens";

/** POSTs a valid group (with `overrides`) for ORG and returns the 201. */
export async function createGroup(overrides: Record<string, unknown> = {}): Promise<ApiResponse> {
  const res = await call("POST", "/segment_groups", { token: await tokenFor([ORG]), json: validGroup(overrides) });
  expect(res.status, describeResponse(res)).toBe(201);
  return res;
}

/** The group as GET returns it (status, body and ETag), read with an ORG token. */
export async function readGroup(id: string): Promise<ApiResponse> {
  return call("GET", `/segment_groups/${id}`, { token: await tokenFor([ORG]) });
}

/**
 * What is stored of group `id`: its row, the subgroups in its document, and its rows in the
 * reverse index (one per distinct segment) once the index backlog is merged.
 */
export async function rowsOfGroup(id: string) {
  await mergeIndexBacklog();
  const [groups, subgroups, members] = await env.DB.batch<{ n: number }>([
    env.DB.prepare("SELECT count(*) AS n FROM segment_groups WHERE id = ?").bind(id),
    env.DB.prepare("SELECT coalesce(sum(json_array_length(subgroups)), 0) AS n FROM segment_groups WHERE id = ?").bind(id),
    env.DB.prepare("SELECT count(*) AS n FROM segment_group_members WHERE group_key = (SELECT index_key FROM segment_groups WHERE id = ?)").bind(id),
  ]);
  return { groups: groups!.results[0]!.n, subgroups: subgroups!.results[0]!.n, members: members!.results[0]!.n };
}
