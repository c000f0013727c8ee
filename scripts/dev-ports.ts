// `npm run dev` checks both of its ports before it starts anything, so a second instance
// fails at once with one message naming both ports and both variables.
import { createServer } from "node:net";

export interface DevPort {
  /** The environment variable that sets it. */
  variable: "PORT" | "LOCAL_ISSUER_PORT";
  what: string;
  port: number;
}

/** True when nothing listens on 127.0.0.1:port (we could bind it ourselves). */
export function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

/** The first free port above `port` that is not in `avoid`. */
export async function nextFreePort(port: number, avoid: number[]): Promise<number> {
  for (let candidate = port + 1; candidate <= 65_535; candidate++) {
    if (!avoid.includes(candidate) && (await isFree(candidate))) return candidate;
  }
  throw new Error(`no free port above ${port}`);
}

/** Undefined when every port is free; otherwise what to tell the user, with free ports to use instead. */
export async function portsTakenMessage(ports: DevPort[]): Promise<string | undefined> {
  const free = await Promise.all(ports.map((p) => isFree(p.port)));
  if (free.every(Boolean)) return undefined;

  const status = ports.map((p, i) => `  ${p.variable}=${p.port} (${p.what}): ${free[i] ? "free" : "taken"}`);
  // A free port stays as it is; each taken one moves to the next port nobody else uses.
  const suggested = ports.map((p) => p.port);
  for (const [i, p] of ports.entries()) {
    if (!free[i]) suggested[i] = await nextFreePort(p.port, [...ports.map((q) => q.port), ...suggested]);
  }
  const assignments = ports.map((p, i) => `${p.variable}=${suggested[i]}`).join(" ");
  const issuer = ports.findIndex((p) => p.variable === "LOCAL_ISSUER_PORT");
  return [
    "dev: not starting; a port is taken (another `npm run dev`?):",
    ...status,
    "Stop the other instance, or run this one on free ports:",
    `  ${assignments} npm run dev`,
    issuer === -1 ? "" : `and mint its tokens with: LOCAL_ISSUER_PORT=${suggested[issuer]} npm run -s token`,
  ]
    .filter(Boolean)
    .join("\n");
}
