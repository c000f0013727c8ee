import { describe, expect, it } from "vitest";
import { deployProblems, PLACEHOLDER_DATABASE_ID, type DeployConfig } from "../../scripts/deploy-check.ts";

// `npm run deploy` refuses before touching anything remote; these are its rules. The CI
// script also runs `npm run deploy -- staging` against the real wrangler.toml and expects
// the refusal, so the shipped placeholders are covered end to end.
const environments = ["staging", "production"];

function ready(overrides: { vars?: Record<string, unknown>; d1?: DeployConfig["d1_databases"] } = {}): DeployConfig {
  return {
    vars: {
      AUTH0_ISSUER_BASE_URL: "https://acme.eu.auth0.com/",
      AUTH0_AUDIENCE: "https://api.acme.test/segment-groups",
      AUTH0_ORGANIZATIONS_CLAIM: "https://acme.test/organization_ids",
      ...overrides.vars,
    },
    d1_databases: overrides.d1 ?? [{ binding: "DB", database_name: "segment-groups-staging", database_id: "3f1e2d4c-1111-4222-8333-944455556666" }],
  };
}

const checkFor = (environment: string | undefined, config: DeployConfig) => deployProblems({ environment, environments, config });
const check = (config: DeployConfig) => checkFor("staging", config);

describe("npm run deploy: what it refuses", () => {
  it("accepts an environment whose values are all filled in", () => {
    expect(check(ready())).toEqual([]);
  });

  it("needs an environment name, and only one defined in wrangler.toml (never the local top level)", () => {
    expect(checkFor(undefined, ready())).toEqual([expect.stringContaining("defined: staging, production")]);
    expect(checkFor("", ready())).toHaveLength(1);
    expect(checkFor("nope", ready())).toEqual([expect.stringContaining("no [env.nope] section")]);
  });

  it("refuses every var still holding a YOUR_ placeholder, naming each", () => {
    const problems = check(
      ready({ vars: { AUTH0_ISSUER_BASE_URL: "https://YOUR_TENANT.eu.auth0.com/", AUTH0_ORGANIZATIONS_CLAIM: "https://YOUR_NAMESPACE/organization_ids" } }),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^\[env\.staging\.vars\] AUTH0_ISSUER_BASE_URL is still the placeholder/),
      expect.stringMatching(/^\[env\.staging\.vars\] AUTH0_ORGANIZATIONS_CLAIM is still the placeholder/),
    ]);
  });

  it("refuses the placeholder database id and anything that is not a D1 id", () => {
    const placeholder = check(ready({ d1: [{ binding: "DB", database_name: "segment-groups-staging", database_id: PLACEHOLDER_DATABASE_ID }] }));
    expect(placeholder).toEqual([expect.stringContaining("npx wrangler d1 create segment-groups-staging")]);
    expect(check(ready({ d1: [{ binding: "DB", database_id: "segment-groups" }] }))).toEqual([expect.stringContaining("is not a D1 database id")]);
    expect(check(ready({ d1: [] }))).toEqual([expect.stringContaining("no database bound as DB")]);
  });

  it("refuses a placeholder or malformed id in every d1_databases entry, each shard's and any other's, naming its binding", () => {
    const shard = (binding: string, database_id: string, migrations_dir = "migrations") => ({ binding, database_name: `segment-groups-staging-${binding}`, database_id, migrations_dir });
    const db = shard("DB", "3f1e2d4c-1111-4222-8333-944455556666");
    const apac = shard("DB_APAC", "3f1e2d4c-1111-4222-8333-944455550002");
    expect(check(ready({ d1: [db, apac] }))).toEqual([]);
    expect(check(ready({ d1: [db, shard("DB_APAC", PLACEHOLDER_DATABASE_ID), shard("DB_2", "nope"), shard("ARCHIVE_DB", PLACEHOLDER_DATABASE_ID)] }))).toEqual([
      "[[env.staging.d1_databases]] DB_APAC: database_id is still the placeholder; `npx wrangler d1 create segment-groups-staging-DB_APAC` prints the real one.",
      '[[env.staging.d1_databases]] DB_2: database_id "nope" is not a D1 database id (a UUID).',
      "[[env.staging.d1_databases]] ARCHIVE_DB: database_id is still the placeholder; `npx wrangler d1 create segment-groups-staging-ARCHIVE_DB` prints the real one.",
    ]);
  });

  it("refuses two bindings on one database, and a shard whose migrations are not DB's", () => {
    const shard = (binding: string, database_id: string, migrations_dir = "migrations") => ({ binding, database_id, migrations_dir });
    const db = shard("DB", "3f1e2d4c-1111-4222-8333-944455556666");
    expect(check(ready({ d1: [db, shard("DB_2", db.database_id.toUpperCase())] }))).toEqual([
      "[[env.staging.d1_databases]] DB_2: database_id is also DB's; each binding needs its own database.",
    ]);
    expect(check(ready({ d1: [db, shard("DB_2", "3f1e2d4c-1111-4222-8333-944455550002", "migrations-apac")] }))).toEqual([
      '[[env.staging.d1_databases]] DB_2: a shard needs DB\'s migrations_dir ("migrations"), not "migrations-apac".',
    ]);
    // Not a shard: a binding of its own may carry other migrations.
    expect(check(ready({ d1: [db, shard("ARCHIVE_DB", "3f1e2d4c-1111-4222-8333-944455550003", "archive")] }))).toEqual([]);
  });

  it("refuses missing Auth0 vars and issuers Cloudflare cannot reach over https", () => {
    expect(check(ready({ vars: { AUTH0_AUDIENCE: undefined } }))).toEqual([expect.stringContaining("AUTH0_AUDIENCE is not set")]);
    expect(check(ready({ vars: { AUTH0_AUDIENCE: " " } }))).toEqual([expect.stringContaining("AUTH0_AUDIENCE is not set")]);
    for (const issuer of ["http://127.0.0.1:8799/", "acme.eu.auth0.com"]) {
      expect(check(ready({ vars: { AUTH0_ISSUER_BASE_URL: issuer } })), issuer).toEqual([expect.stringContaining("must be an https URL")]);
    }
    expect(check(ready({ vars: { AUTH0_JWKS_URI: "http://acme.test/jwks.json" } }))).toEqual([expect.stringContaining("AUTH0_JWKS_URI must be an https URL")]);
  });
});
