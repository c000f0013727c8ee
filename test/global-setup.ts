import type { TestProject } from "vitest/node";
import { startLocalIssuer } from "../scripts/local-issuer.ts";

// Runs in Node before any test: one local issuer for the whole run, on a random loopback port.
export default async function startIssuer(project: TestProject) {
  const issuer = await startLocalIssuer();
  project.provide("issuerUrl", issuer.url);
  project.provide("issuerPrivateJwk", JSON.stringify(issuer.privateJwk));
  return () => issuer.close();
}
