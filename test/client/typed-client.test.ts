import { exports } from "cloudflare:workers";
import { hc } from "hono/client";
import { beforeAll, describe, expect, it } from "vitest";
import type { AppType } from "../../src/app";
import { ORG, seedCatalog } from "../helpers/fixtures";
import { tokenFor } from "../helpers/tokens";

// What a TypeScript consumer gets from `hc<AppType>(baseUrl)`: here its requests go through
// the Worker's real fetch entry instead of the network.
async function typedClient(organizations: number[] = [ORG]) {
  const token = await tokenFor(organizations);
  return hc<AppType>("https://api.test", {
    headers: { Authorization: `Bearer ${token}` },
    fetch: (input: RequestInfo | URL, init?: RequestInit) => exports.default.fetch(new Request(input, init)),
  });
}
type Client = Awaited<ReturnType<typeof typedClient>>;

beforeAll(seedCatalog);

describe("the typed client (hono/client)", () => {
  it("creates a group and reads it back", async () => {
    const client = await typedClient();
    const created = await client.segment_groups.$post({
      json: {
        name: "Typed client group",
        type: "CONTEXTUAL",
        organization_id: ORG,
        status: true,
        segment_subgroup: [{ segment_operator: "OR", segment_members: [{ segment_id: 101, segment_type: "CONTEXTUAL" }] }],
      },
    });
    expect(created.status).toBe(201);
    if (created.status !== 201) return;
    const { data } = await created.json();
    expect(created.headers.get("Location")).toBe(`/segment_groups/${data.id}`);

    const read = await client.segment_groups[":id"].$get({ param: { id: data.id } });
    expect(read.status).toBe(200);
    if (read.status !== 200) return;
    expect((await read.json()).data).toEqual(data);
  });

  it("forwards a write's bookmark to its next read, and follows the change feed and a group's history", async () => {
    const client = await typedClient();
    const created = await client.segment_groups.$post({
      json: { name: "Bookmarked", type: "AUDIENCE", organization_id: ORG, status: true, segment_subgroup: [{ segment_operator: "OR", segment_members: [{ segment_id: 101, segment_type: "CONTEXTUAL" }] }] },
    });
    if (created.status !== 201) throw new Error(`create answered ${created.status}`);
    const { data } = await created.json();
    const bookmark = created.headers.get("x-d1-bookmark")!;
    expect(bookmark).toBeTruthy();

    const headers = { "x-d1-bookmark": bookmark };
    const feed = await client.segment_groups.changes.$get({ query: { organization_id: String(ORG), limit: "1000" } }, { headers });
    if (feed.status !== 200) throw new Error(`feed answered ${feed.status}`);
    const events = (await feed.json()).data;
    expect(events.at(-1)).toMatchObject({ change: "created", id: data.id });

    const versions = await client.segment_groups[":id"].versions.$get({ param: { id: data.id }, query: {} }, { headers });
    if (versions.status !== 200) throw new Error(`versions answered ${versions.status}`);
    const [latest] = (await versions.json()).data;
    const one = await client.segment_groups[":id"].versions[":version"].$get({ param: { id: data.id, version: latest!.version } }, { headers });
    expect(one.status).toBe(200);
  });

  it("hands a rejected request back as a plain response with the error envelope", async () => {
    const client = await typedClient();
    const res = await client.segment_groups.$post({
      json: { name: "x", type: "AUDIENCE", organization_id: ORG, status: false, segment_subgroup: [] },
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ errors: [{ code: "too_short", field: "segment_subgroup" }] });
  });
});

// Checked by `npm run typecheck`, never run: the request contract reaches the client's types,
// so each of these lines must fail to compile.
// biome-ignore lint/suspicious/noExportsInTest: exported only so it counts as used; nothing imports this file.
export function wrongRequestsDoNotCompile(client: Client) {
  const group = { name: "x", type: "CONTEXTUAL" as const, organization_id: ORG, status: true, segment_subgroup: [] };
  void client.segment_groups.$post({ json: group }); // the control: a well-formed request compiles
  // @ts-expect-error `type` is "CONTEXTUAL" | "AUDIENCE"
  void client.segment_groups.$post({ json: { ...group, type: "OTHER" } });
  // @ts-expect-error `organization_id` is a number
  void client.segment_groups.$post({ json: { ...group, organization_id: "1234" } });
  // @ts-expect-error `status` is required
  void client.segment_groups.$post({ json: { name: group.name, type: group.type, organization_id: ORG, segment_subgroup: [] } });
  // @ts-expect-error there is no such route
  void client.segment_group.$post({ json: group });
  // @ts-expect-error the path parameter is required
  void client.segment_groups[":id"].$get({});
}
