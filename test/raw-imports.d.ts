// Vite's `?raw` imports: the file's text (test/helpers/contract.ts reads the OpenAPI document so).
declare module "*?raw" {
  const text: string;
  export default text;
}

// Vite's `import.meta.glob`: eager and raw, every matching file's text by path
// (test/app/resource-folders.test.ts reads the route modules so); lazy, the matching paths
// (test/docs/links.test.ts checks that link targets exist so, loading nothing).
interface ImportMeta {
  glob<T>(pattern: string | string[], options: { query: "?raw"; import: "default"; eager: true }): Record<string, T>;
  glob(pattern: string | string[], options: { query: "?raw" }): Record<string, () => Promise<unknown>>;
}
