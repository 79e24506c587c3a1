/** The variable the relaunched CLI finds its launcher's pid in (see arena.js). */
export const LAUNCHER_PID_VAR: string;
/** `env` with MALLOC_ARENA_MAX=2 on Linux, unless the user set a value (kept as given). */
export function arenaEnv(env: NodeJS.ProcessEnv, platform?: NodeJS.Platform): NodeJS.ProcessEnv;
/** Runs this CLI again with two malloc arenas behind a thin launcher; false when not needed. */
export function relaunchWithArenaLimit(env?: NodeJS.ProcessEnv, platform?: NodeJS.Platform): boolean;
/** In a relaunched CLI: SIGKILLs this process once its launcher is gone. */
export function watchLauncher(env?: NodeJS.ProcessEnv, intervalMs?: number): void;
