// Values test/global-setup.ts (Node) hands to vitest.config.ts and the tests.
declare module "vitest" {
  interface ProvidedContext {
    issuerUrl: string;
    issuerPrivateJwk: string;
  }
}

export {};
