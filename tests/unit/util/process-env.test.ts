import { describe, expect, it } from 'vitest';
import { arenaEnv } from '../../../bin/arena.js';
import { engineProcessEnv } from '../../../main/util/process-env';

describe('engineProcessEnv', () => {
  it('limits glibc malloc arenas on Linux, keeping the rest of the environment', () => {
    expect(engineProcessEnv({ PATH: '/usr/bin' }, 'linux')).toEqual({ PATH: '/usr/bin', MALLOC_ARENA_MAX: '2' });
  });

  it('keeps a value the user set', () => {
    expect(engineProcessEnv({ MALLOC_ARENA_MAX: '8' }, 'linux').MALLOC_ARENA_MAX).toBe('8');
  });

  it('changes nothing on other systems', () => {
    const env = { PATH: 'C:\\Windows' };
    expect(engineProcessEnv(env, 'win32')).toBe(env);
    expect(engineProcessEnv(env, 'darwin')).toBe(env);
  });
});

describe('arenaEnv (the command-line launchers, plain JavaScript)', () => {
  it('follows the same rule as the desktop engine process', () => {
    const cases: [NodeJS.ProcessEnv, NodeJS.Platform][] = [
      [{ PATH: '/usr/bin' }, 'linux'],
      [{ MALLOC_ARENA_MAX: '8' }, 'linux'],
      [{ MALLOC_ARENA_MAX: '' }, 'linux'],
      [{ PATH: 'C:\\Windows' }, 'win32'],
      [{ HOME: '/Users/a' }, 'darwin'],
    ];
    for (const [env, platform] of cases) expect(arenaEnv(env, platform)).toEqual(engineProcessEnv(env, platform));
  });
});
