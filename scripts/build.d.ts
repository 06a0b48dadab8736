/** Types of scripts/build.js (plain JavaScript, so that it runs before anything is compiled). */
export const ROOT: string;
export const DIST: string;
export function isStale(): boolean;
export function build(options?: { quiet?: boolean }): boolean;
export function ensureBuilt(): 'compiled' | 'sources';
