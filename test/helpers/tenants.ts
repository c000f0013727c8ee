import { env } from "cloudflare:workers";
import { exportJWK, generateKeyPair, type JWK } from "jose";
import { mintToken, type TokenOptions } from "./tokens";

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function newSigningKey(kid = `k-${crypto.randomUUID().slice(0, 8)}`): Promise<SigningKey> {
  const { publicKey, privateKey } = await generateKeyPair("RS256", { extractable: true });
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" } };
}

/**
 * A tenant of the local issuer of its own (own JWKS URL, keys and fetch counter), so a test
 * can rotate keys, break the JWKS or count fetches without touching any other test. Requests
 * for it go through the Worker's default export with the tenant as AUTH0_ISSUER_BASE_URL,
 * which also gives them a cold JWKS cache entry of their own.
 */
export async function createTenant(keys: SigningKey[]) {
  const name = `t${crypto.randomUUID().replaceAll("-", "")}`;
  const adminUrl = `${env.AUTH0_ISSUER_BASE_URL}__admin/tenants/${name}`;
  const issuer = `${env.AUTH0_ISSUER_BASE_URL}t/${name}/`;

  async function configure(published: SigningKey[], failWith?: number) {
    const res = await fetch(adminUrl, {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ keys: published.map((k) => k.publicJwk), fail_with: failWith }),
    });
    if (res.status !== 204) throw new Error(`local issuer refused tenant ${name}: ${res.status}`);
  }
  await configure(keys);

  return {
    issuer,
    env: { AUTH0_ISSUER_BASE_URL: issuer },
    publish: (published: SigningKey[]) => configure(published),
    /** Makes the JWKS endpoint answer `status` with no keys, as during an outage. */
    breakJwks: (status = 503) => configure([], status),
    async jwksFetches(): Promise<number> {
      const res = await fetch(adminUrl);
      return ((await res.json()) as { jwks_fetches: number }).jwks_fetches;
    },
    sign(key: SigningKey, options: TokenOptions = {}) {
      return mintToken({ ...options, issuer, key: key.privateKey, header: { kid: key.kid, ...options.header } });
    },
  };
}
