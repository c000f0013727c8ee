import { exports } from "cloudflare:workers";
import { hc } from "hono/client";
import { beforeAll, describe, expect, it } from "vitest";
import type { AppType } from "../../src/app";
import { ORG, seedCatalog } from "../helpers/fixtures";
import { tokenFor } from "../helpers/tokens";

// Group logic through `hc<AppType>`: the new fields, dry runs and evaluation are in the types.
async function typedClient() {
  const token = await tokenFor([ORG]);
  return hc<AppType>("https://api.test", {
    headers: { Authorization: `Bearer ${token}` },
    fetch: (input: RequestInfo | URL, init?: RequestInit) => exports.default.fetch(new Request(input, init)),
  });
}
type Client = Awaited<ReturnType<typeof typedClient>>;

const group = {
  name: "Typed logic",
  type: "AUDIENCE" as const,
  organization_id: ORG,
  status: true,
  subgroup_operator: "AND" as const,
  segment_subgroup: [
    { segment_operator: "OR" as const, segment_members: [{ segment_id: 201, segment_type: "3P" as const }] },
    { segment_operator: "OR" as const, exclude: true, segment_members: [{ segment_id: 301, segment_type: "3P" as const }] },
  ],
};

beforeAll(seedCatalog);

describe("the typed client — group logic", () => {
  it("previews, creates, changes and evaluates a group, each answer typed", async () => {
    const client = await typedClient();
    const preview = await client.segment_groups.$post({ json: group, query: { dry_run: "true" } });
    expect(preview.status).toBe(200);
    if (preview.status !== 200) return;
    const draft = (await preview.json()).data;
    expect(draft.expression).toBe("(3P:201) AND NOT (3P:301)");

    const created = await client.segment_groups.$post({ json: group });
    expect(created.status).toBe(201);
    if (created.status !== 201) return;
    const { data } = await created.json();
    const stated: { subgroup_operator: "AND" | "OR"; exclude: boolean } = { subgroup_operator: data.subgroup_operator, exclude: data.segment_subgroup[1]!.exclude };
    expect(stated).toEqual({ subgroup_operator: "AND", exclude: true });

    const changed = await client.segment_groups[":id"].$patch({ param: { id: data.id }, json: { subgroup_operator: "OR" } });
    expect(changed.status).toBe(200);
    if (changed.status !== 200) return;
    expect((await changed.json()).data.expression).toBe("(3P:201) OR NOT (3P:301)");

    const evaluated = await client.segment_groups[":id"].evaluate.$post({
      param: { id: data.id },
      json: { segments: [{ segment_id: 301, segment_type: "3P" }] },
    });
    expect(evaluated.status).toBe(200);
    if (evaluated.status !== 200) return;
    const result: { matched: boolean; subgroups: { matched: boolean }[] } = (await evaluated.json()).data;
    expect(result).toEqual({ matched: false, subgroups: [{ matched: false }, { matched: true }] });
  });
});

// Checked by `npm run typecheck`, never run: each of these lines must fail to compile.
// biome-ignore lint/suspicious/noExportsInTest: exported only so it counts as used; nothing imports this file.
export function wrongLogicDoesNotCompile(client: Client) {
  void client.segment_groups.$post({ json: group }); // the control
  // @ts-expect-error subgroup_operator is "AND" | "OR"
  void client.segment_groups.$post({ json: { ...group, subgroup_operator: "XOR" } });
  // @ts-expect-error exclude is a boolean
  void client.segment_groups.$post({ json: { ...group, segment_subgroup: [{ ...group.segment_subgroup[0]!, exclude: "yes" }] } });
  // @ts-expect-error evaluate needs `segments`
  void client.segment_groups[":id"].evaluate.$post({ param: { id: "x" }, json: {} });
}
