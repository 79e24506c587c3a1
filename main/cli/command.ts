import type { ParseArgsConfig } from 'node:util';
import type { Io } from './output';

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface CommandContext {
  dataDir: string;
  args: string[];
  values: Record<string, string | boolean | string[] | undefined>;
  io: Io;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Extra lines for `quarry <command> --help`. */
  details?: string;
  options: Options;
  run(ctx: CommandContext): Promise<number>;
}

/** Thrown for bad invocations: printed with the command's usage, exit code 1. */
export class UsageError extends Error {}

export const EXIT = { ok: 0, usage: 1, partial: 2 } as const;
