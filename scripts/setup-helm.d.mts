// Types of setup-helm.mjs for TypeScript callers (tests, the demo).
export declare const HELM_SOURCES: Record<'3' | '4', string>;
export declare function helmCacheDir(): string;
export declare function setupHelm(): Promise<Record<3 | 4, string>>;
