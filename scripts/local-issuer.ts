// A stand-in for an Auth0 tenant, for local runs and tests only: it serves a JWKS over
// loopback and mints RS256 access tokens, so the Worker verifies tokens through exactly the
// same remote-JWKS path as in production. It never listens beyond 127.0.0.1.
import { PERMISSIONS, TENANT_PERMISSIONS } from "../src/auth/permissions.ts";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { exportJWK, generateKeyPair, SignJWT, type JWK } from "jose";

export const DEFAULT_AUDIENCE = "https://segment-groups.example.com";
export const ALL_PERMISSIONS: string[] = [...PERMISSIONS];
/** What a token gets unless it asks: a tenant's permissions, without the catalog admin's `write:catalog`. */
export const DEFAULT_PERMISSIONS: string[] = [...TENANT_PERMISSIONS];
/** Where `npm run dev` runs the issuer; wrangler.toml's AUTH0_ISSUER_BASE_URL points here. */
export const DEFAULT_ISSUER_PORT = 8799;

export interface LocalIssuer {
  /** The issuer URL, with a trailing slash, as Auth0 writes it in `iss`. */
  url: string;
  /** The private key of the root tenant, as a JWK (tests sign with it). */
  privateJwk: JWK;
  kid: string;
  mint(claims?: TokenRequest): Promise<string>;
  close(): Promise<void>;
}

export interface TokenRequest {
  organization_ids?: number[];
  permissions?: string[];
  sub?: string;
  expires_in?: number;
  audience?: string;
}

/**
 * Each tenant below /t/<name>/ has its own key set and JWKS fetch counter, so a test can
 * rotate keys, take its JWKS offline or count fetches without disturbing any other test.
 */
interface Tenant {
  keys: JWK[];
  /** When set, the JWKS answers with this status and no keys (an outage). */
  failWith?: number;
  jwksFetches: number;
}

export async function startLocalIssuer(options: { port?: number; audience?: string } = {}): Promise<LocalIssuer> {
  const audience = options.audience ?? DEFAULT_AUDIENCE;
  const kid = `local-${Date.now().toString(36)}`;
  const { publicKey, privateKey } = await generateKeyPair("RS256", { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" };
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: "RS256" };
  const tenants = new Map<string, Tenant>([["", { keys: [publicJwk], jwksFetches: 0 }]]);
  let url = "";

  async function mint(request: TokenRequest = {}): Promise<string> {
    return new SignJWT({
      permissions: request.permissions ?? DEFAULT_PERMISSIONS,
      organization_ids: request.organization_ids ?? [1234],
    })
      .setProtectedHeader({ alg: "RS256", kid, typ: "at+jwt" })
      .setIssuer(url)
      .setAudience(request.audience ?? audience)
      .setSubject(request.sub ?? "local-user|1")
      .setIssuedAt()
      .setExpirationTime(`${request.expires_in ?? 3600}s`)
      .sign(privateKey);
  }

  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => send(res, 500, { error: String(err) }));
  });

  async function route(req: IncomingMessage, res: ServerResponse) {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    const jwks = /^\/(?:t\/([\w-]+)\/)?\.well-known\/jwks\.json$/.exec(path);
    if (jwks && req.method === "GET") {
      const tenant = tenants.get(jwks[1] ?? "");
      if (!tenant) return send(res, 404, { error: "unknown tenant" });
      tenant.jwksFetches++;
      if (tenant.failWith) return send(res, tenant.failWith, { error: "unavailable" });
      return send(res, 200, { keys: tenant.keys });
    }
    const admin = /^\/__admin\/tenants\/([\w-]+)$/.exec(path);
    if (admin && req.method === "PUT") {
      const body = (await readJson(req)) as { keys?: JWK[]; fail_with?: number };
      const existing = tenants.get(admin[1]!);
      tenants.set(admin[1]!, { keys: body.keys ?? [], failWith: body.fail_with, jwksFetches: existing?.jwksFetches ?? 0 });
      return send(res, 204);
    }
    if (admin && req.method === "GET") {
      const tenant = tenants.get(admin[1]!);
      return tenant ? send(res, 200, { jwks_fetches: tenant.jwksFetches, keys: tenant.keys.length }) : send(res, 404, {});
    }
    if (path === "/token" && req.method === "POST") {
      const request = (await readJson(req)) as TokenRequest;
      const expiresIn = request.expires_in ?? 3600;
      return send(res, 200, { access_token: await mint(request), token_type: "Bearer", expires_in: expiresIn });
    }
    return send(res, 404, { error: "not found" });
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("local issuer has no TCP address");
  url = `http://127.0.0.1:${address.port}/`;

  return {
    url,
    privateJwk,
    kid,
    mint,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function send(res: ServerResponse, status: number, body?: unknown) {
  res.writeHead(status, body === undefined ? {} : { "Content-Type": "application/json" });
  res.end(body === undefined ? undefined : JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let text = "";
  for await (const chunk of req) text += chunk;
  return text ? JSON.parse(text) : {};
}

// `node scripts/local-issuer.ts [port]` runs it on its own.
if (import.meta.url === `file://${process.argv[1]}`) {
  const issuer = await startLocalIssuer({ port: Number(process.argv[2] ?? DEFAULT_ISSUER_PORT) });
  console.log(`local issuer: ${issuer.url} (JWKS at ${issuer.url}.well-known/jwks.json)`);
}
