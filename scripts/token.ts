// `npm run -s token -- [--org 1234 ...] [--permissions a,b] [--expires-in 3600] [--sub id] [--issuer-port 8799]`
// Asks the local issuer that `npm run dev` runs for an access token and prints only the
// token, so `TOKEN=$(npm run -s token)` works. Everything else goes to stderr.
import { parseArgs } from "node:util";
import { DEFAULT_PERMISSIONS, DEFAULT_ISSUER_PORT, type TokenRequest } from "./local-issuer.ts";

const USAGE = `Usage: npm run -s token -- [options]

  --org <id>             organization the token grants; repeat or comma-separate (default: 1234)
  --permissions <list>   comma-separated permissions; "" for none (default: ${DEFAULT_PERMISSIONS.join(",")});
                         "+p,+q" adds to the default: "+write:catalog" makes a catalog admin token
  --expires-in <seconds> lifetime of the token (default: 3600)
  --sub <subject>        the token's subject (default: the issuer's local-user|1)
  --issuer-port <port>   where the local issuer listens (default: $LOCAL_ISSUER_PORT or 8799)`;

let values;
try {
  ({ values } = parseArgs({
    options: {
      org: { type: "string", multiple: true },
      permissions: { type: "string" },
      "expires-in": { type: "string" },
      sub: { type: "string" },
      "issuer-port": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
    allowPositionals: false,
  }));
} catch (err) {
  fail(`token: ${(err as Error).message}\n\n${USAGE}`);
}
if (values.help) {
  console.error(USAGE);
  process.exit(0);
}

const request: TokenRequest = {
  organization_ids: (values.org ?? ["1234"]).flatMap((o) => o.split(",")).map((o) => positiveInteger("--org", o)),
  permissions: permissionsOf(values.permissions),
  expires_in: positiveInteger("--expires-in", values["expires-in"] ?? "3600"),
};
if (values.sub !== undefined) request.sub = values.sub;

const port = positiveInteger("--issuer-port", values["issuer-port"] ?? (process.env.LOCAL_ISSUER_PORT || String(DEFAULT_ISSUER_PORT)));
const url = `http://127.0.0.1:${port}/token`;

let response: Response;
try {
  response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(request),
    signal: AbortSignal.timeout(5_000),
  });
} catch {
  fail(
    `token: no local issuer is answering on http://127.0.0.1:${port}/ — start it with \`npm run dev\` (in another terminal); ` +
      "if it runs on other ports, export LOCAL_ISSUER_PORT as it printed it (or pass --issuer-port).",
  );
}
const body = (await response.json().catch(() => undefined)) as { access_token?: unknown } | undefined;
if (!response.ok || typeof body?.access_token !== "string") {
  fail(`token: the local issuer at ${url} answered ${response.status} without a token. Is \`npm run dev\` running on that port?`);
}
process.stdout.write(`${body.access_token}\n`);

function positiveInteger(flag: string, raw: string): number {
  const value = Number(raw.trim());
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value <= 0) fail(`token: ${flag} must be a positive integer, not "${raw}".`);
  return value;
}

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

// Absent: the default; "+a,+b": the default and those; otherwise exactly the list.
function permissionsOf(list: string | undefined): string[] {
  if (list === undefined) return DEFAULT_PERMISSIONS;
  const names = list.split(",").map((p) => p.trim()).filter(Boolean);
  if (names.length > 0 && names.every((p) => p.startsWith("+"))) return [...new Set([...DEFAULT_PERMISSIONS, ...names.map((p) => p.slice(1))])];
  return names;
}
