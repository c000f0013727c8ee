import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { subgroupsDocument } from "../../src/db/segment-groups/document";
import { call, describeResponse } from "../helpers/api";
import { ORG, seedCatalog, validGroup } from "../helpers/fixtures";
import { tokenFor } from "../helpers/tokens";

// The in-use guard and the reverse lookup find a queued group's member by its exact text, so
// the database refuses every document that is not in the form src/db/segment-groups/document.ts
// writes, whoever writes it (migrations/0011).
beforeEach(seedCatalog);

const canonical = subgroupsDocument([
  { segment_operator: "OR", exclude: false, segment_members: [{ segment_id: 101, segment_type: "CONTEXTUAL" }] },
  { segment_operator: "AND", exclude: true, segment_members: [{ segment_id: 201, segment_type: "3P" }, { segment_id: 301, segment_type: "3P" }] },
]).json;

// The same subgroups, written another way each.
const variants: Record<string, string> = {
  "member keys reordered": canonical.replace('{"segment_id":101,"segment_type":"CONTEXTUAL"}', '{"segment_type":"CONTEXTUAL","segment_id":101}'),
  "subgroup keys reordered": canonical.replace('"segment_operator":"OR","exclude":false', '"exclude":false,"segment_operator":"OR"'),
  spaced: JSON.stringify(JSON.parse(canonical), null, 1),
  "a string id": canonical.replace('"segment_id":101', '"segment_id":"101"'),
  "a fractional id": canonical.replace('"segment_id":101', '"segment_id":101.0'),
  "exclude as a number": canonical.replace('"exclude":false', '"exclude":0'),
  "exclude left out": canonical.replace('"exclude":false,', ""),
  "an extra key": canonical.replace('"segment_id":101,', '"segment_id":101,"note":"x",'),
};

const rawInsert = (id: string, subgroups: string) =>
  env.DB.prepare(
    `INSERT INTO segment_groups (id, organization_id, name, name_folded, type, status, subgroups, member_count, created_at, updated_at, etag, subgroup_operator)
     VALUES (?1, ?2, 'raw', 'raw', 'CONTEXTUAL', 1, ?3, 3, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', 'e', 'AND')`,
  ).bind(id, ORG, subgroups);

describe("stored documents are canonical, for every writer", () => {
  it("a raw insert of the canonical text is stored", async () => {
    await rawInsert("raw-canonical", canonical).run();
    expect(await env.DB.prepare("SELECT subgroups FROM segment_groups WHERE id = 'raw-canonical'").first("subgroups")).toBe(canonical);
  });

  it.each(Object.entries(variants))("a raw insert with %s is refused", async (_, document) => {
    expect(document).not.toBe(canonical);
    await expect(rawInsert("raw-variant", document).run()).rejects.toThrow(/must be canonical JSON/);
    expect(await env.DB.prepare("SELECT 1 FROM segment_groups WHERE id = 'raw-variant'").first()).toBeNull();
  });

  it.each(Object.entries(variants))("a raw update to a document with %s is refused", async (_, document) => {
    const id = `raw-${crypto.randomUUID()}`;
    await rawInsert(id, canonical).run();
    await expect(env.DB.prepare("UPDATE segment_groups SET subgroups = ?2 WHERE id = ?1").bind(id, document).run()).rejects.toThrow(/must be canonical JSON/);
    expect(await env.DB.prepare("SELECT subgroups FROM segment_groups WHERE id = ?").bind(id).first("subgroups")).toBe(canonical);
  });

  it("the API's own writes pass: it stores the canonical text", async () => {
    const token = await tokenFor([ORG]);
    const created = await call("POST", "/segment_groups", { token, json: validGroup() });
    expect(created.status, describeResponse(created)).toBe(201);
    const id = created.body.data.id as string;
    const patched = await call("PATCH", `/segment_groups/${id}`, {
      token,
      json: { segment_subgroup: [{ segment_operator: "AND", exclude: false, segment_members: [{ segment_type: "3P", segment_id: 201 }] }] },
    });
    expect(patched.status, describeResponse(patched)).toBe(200);
    expect(await env.DB.prepare("SELECT subgroups FROM segment_groups WHERE id = ?").bind(id).first("subgroups")).toBe(
      '[{"segment_operator":"AND","exclude":false,"segment_members":[{"segment_id":201,"segment_type":"3P"}]}]',
    );
  });
});
