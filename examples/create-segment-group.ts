// `npm run example`: creates a segment group through the typed client (`hono/client`),
// against `npm run dev` by default. The request body and the response are typed from the
// API's own routes (AppType), so a wrong field fails `npm run typecheck`, not a request.
//
// Environment:
//   API_URL            where the API is (default http://127.0.0.1:$PORT, PORT default 8787)
//   TOKEN              an access token to use; without it one is minted by the local issuer
//   LOCAL_ISSUER_PORT  where `npm run dev` runs the local issuer (default 8799)
//   ORGANIZATION_ID    the organization to create the group for (default 1234)
import { hc } from "hono/client";
import type { AppType } from "../src/app.ts";

const apiUrl = process.env.API_URL || `http://127.0.0.1:${process.env.PORT || 8787}`;
const organizationId = Number(process.env.ORGANIZATION_ID || 1234);
const token = process.env.TOKEN || (await localToken(organizationId));

const client = hc<AppType>(apiUrl, { headers: { Authorization: `Bearer ${token}` } });

const created = await client.segment_groups.$post({
  json: {
    name: "Sports fans who run (typed client)",
    type: "CONTEXTUAL",
    organization_id: organizationId,
    status: true,
    segment_subgroup: [
      {
        segment_operator: "AND",
        segment_members: [
          { segment_id: 101, segment_type: "CONTEXTUAL" },
          { segment_id: 201, segment_type: "3P" },
        ],
      },
    ],
  },
});
if (created.status !== 201) fail(`POST /segment_groups answered ${created.status}: ${await created.text()}`);
const { data: group } = await created.json();
console.log(`created segment group ${group.id}`);

// Read it back; `group.id` is a string in the client's types, as the path parameter expects.
// Reads may be served by a read replica: forwarding the write's bookmark makes this read see
// at least that write (read-your-writes). Keep the newest bookmark you were given.
const bookmark = created.headers.get("x-d1-bookmark");
const consistent = bookmark ? { headers: { "x-d1-bookmark": bookmark } } : {};
const read = await client.segment_groups[":id"].$get({ param: { id: group.id } }, consistent);
if (read.status !== 200) fail(`GET /segment_groups/${group.id} answered ${read.status}: ${await read.text()}`);
console.log(JSON.stringify((await read.json()).data, null, 2));

// Its history: one version so far, recorded with who created it.
const versions = await client.segment_groups[":id"].versions.$get({ param: { id: group.id }, query: {} }, consistent);
if (versions.status !== 200) fail(`GET /segment_groups/${group.id}/versions answered ${versions.status}: ${await versions.text()}`);
const [version] = (await versions.json()).data;
console.log(`version ${version?.version}: ${version?.change} by ${version?.changed_by} at ${version?.changed_at}`);

/** An access token from the local stand-in for Auth0 that `npm run dev` starts. */
async function localToken(organization: number): Promise<string> {
  const url = `http://127.0.0.1:${process.env.LOCAL_ISSUER_PORT || 8799}/token`;
  const res = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ organization_ids: [organization] }),
  }).catch(() => fail(`example: no local issuer at ${url}; start \`npm run dev\` first, or set TOKEN.`));
  const body = (await res.json()) as { access_token?: string };
  if (!body.access_token) fail(`example: the local issuer answered ${res.status} without a token.`);
  return body.access_token;
}

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}
