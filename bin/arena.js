// Two glibc malloc arenas for the processes that run the engine from the command line
// (`quarry`, `npm start`'s server, `npm run bench`). main/util/process-env.ts says why and does
// the same for the desktop app's engine process; this file is plain JavaScript so that the
// launchers can use it before tsx is loaded. tests/unit/util/process-env.test.ts keeps the two
// rules alike.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

/** The variable the relaunched CLI finds its launcher's pid in. */
export const LAUNCHER_PID_VAR = 'QUARRY_LAUNCHER_PID';

/** `env` with MALLOC_ARENA_MAX=2 on Linux, unless the user set a value (kept as given). */
export function arenaEnv(env, platform = process.platform) {
  if (platform !== 'linux' || env.MALLOC_ARENA_MAX !== undefined) return env;
  return { ...env, MALLOC_ARENA_MAX: '2' };
}

/**
 * glibc reads MALLOC_ARENA_MAX once, when a process starts, so a CLI started without it runs
 * itself again with it: the same node, flags, script and arguments, the same terminal. The
 * launcher stays as a thin parent that the user sees:
 * - it passes on SIGINT, SIGTERM, SIGHUP, SIGWINCH and Ctrl+Z / fg. The child runs in its own
 *   session, so a Ctrl+C reaches it once, through the launcher, and not twice;
 * - it exits as the child did (the same code, or the same signal);
 * - if the launcher is killed outright (kill -9), the child notices within a fifth of a second
 *   and kills itself the same way (see {@link watchLauncher}), so kill -9 of the pid a user sees
 *   still stops the work at once, as it did with one process.
 *
 * Returns false, doing nothing, when no relaunch is needed (not Linux, the variable already set).
 */
export function relaunchWithArenaLimit(env = process.env, platform = process.platform) {
  const next = arenaEnv(env, platform);
  if (next === env) return false;
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...next, [LAUNCHER_PID_VAR]: String(process.pid) },
    detached: true,
  });
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGWINCH', 'SIGTSTP', 'SIGCONT'];
  const forward = (sig) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    if (sig === 'SIGTSTP') {
      // Ctrl+Z: the kernel drops SIGTSTP for a group outside the terminal's session, so the
      // child is stopped outright, then the launcher stops itself as the shell expects.
      child.kill('SIGSTOP');
      process.kill(process.pid, 'SIGSTOP');
    } else child.kill(sig);
  };
  for (const sig of signals) process.on(sig, forward);
  child.on('error', (e) => {
    process.stderr.write(`quarry: could not start: ${e.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    for (const sig of signals) process.off(sig, forward);
    if (!signal) process.exit(code ?? 1);
    process.kill(process.pid, signal);
    // A signal Node ignores or handles (SIGPIPE, SIGUSR1) does not end the launcher: exit as a
    // shell reports a death by signal.
    setTimeout(() => process.exit(128 + (constants.signals[signal] ?? 0)), 100);
  });
  return true;
}

/**
 * In a relaunched CLI: kills this process with SIGKILL as soon as its launcher is gone (its
 * parent pid changes when the launcher dies), as if the kill had reached it. Polls every 200 ms;
 * the timer does not keep the process alive. Removes the launcher's pid from `env`, so that
 * processes started from here do not watch a launcher that is not their parent.
 */
export function watchLauncher(env = process.env, intervalMs = 200) {
  const launcher = Number(env[LAUNCHER_PID_VAR]);
  // Not passed on: a process this one starts has a launcher of its own, or none.
  delete env[LAUNCHER_PID_VAR];
  if (!Number.isInteger(launcher) || launcher <= 0) return;
  const check = () => {
    if (process.ppid !== launcher) process.kill(process.pid, 'SIGKILL');
  };
  check();
  setInterval(check, intervalMs).unref();
}
