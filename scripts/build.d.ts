/** Types of scripts/build.js (plain JavaScript, so that it runs before anything is compiled). */
export const ROOT: string;
export const DIST: string;
export const SERVER: string;
export function isStale(): boolean;
export function build(options?: { quiet?: boolean }): Promise<boolean>;
export function ensureBuilt(): 'compiled' | 'sources';
export function runServer(): void;
