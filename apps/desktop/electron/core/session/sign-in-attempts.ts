// Wrong passphrases per profile, kept in the profile folder (attempts.json) so that quitting and
// restarting the app does not reset the wait. The schedule is the PIN's (attempt-backoff.ts);
// there is no final limit, because a profile must not become unusable by someone else's guesses.
// This throttles guessing at the keyboard; someone who can write the folder can also copy it and
// guess offline, which the Argon2id cost (and the OS layer of the key wrap) is there for.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { backoffSeconds } from './attempt-backoff.ts';
import { replaceFileDurably } from '@klinikfunk/node-common/durable-file.ts';

const FILE = 'attempts.json';

const attemptsSchema = z.object({
  v: z.literal(1),
  wrong: z.number().int().min(0),
  nextAttemptAt: z.number().int().min(0),
});

export interface SignInAttempts {
  wrong: number;
  /** No passphrase is tried before this time (ms since the epoch). */
  nextAttemptAt: number;
}

const NONE: SignInAttempts = { wrong: 0, nextAttemptAt: 0 };

export async function readAttempts(profileDir: string): Promise<SignInAttempts> {
  let text: string;
  try {
    text = await readFile(join(profileDir, FILE), 'utf8');
  } catch {
    return NONE;
  }
  try {
    const parsed = attemptsSchema.parse(JSON.parse(text));
    return { wrong: parsed.wrong, nextAttemptAt: parsed.nextAttemptAt };
  } catch {
    // Written atomically, so a damaged file was edited by hand: that person could delete it too.
    return NONE;
  }
}

/**
 * When the next passphrase may be tried. A wait further off than the schedule allows for the
 * count was set while the PC clock ran ahead (or by hand): it is cut to the schedule from now and
 * written back, so putting the clock right never locks a person out for the clock's error.
 */
export async function nextAttemptAt(profileDir: string, now: number): Promise<number> {
  const attempts = await readAttempts(profileDir);
  const latest = now + backoffSeconds(attempts.wrong) * 1000;
  if (attempts.nextAttemptAt <= latest) return attempts.nextAttemptAt;
  await write(profileDir, { wrong: attempts.wrong, nextAttemptAt: latest });
  return latest;
}

/** Counts one wrong passphrase and returns the new state (written before the caller answers). */
export async function countWrong(profileDir: string, now: number): Promise<SignInAttempts> {
  const previous = await readAttempts(profileDir);
  const wrong = previous.wrong + 1;
  const next = { wrong, nextAttemptAt: now + backoffSeconds(wrong) * 1000 };
  await write(profileDir, next);
  return next;
}

export async function resetAttempts(profileDir: string): Promise<void> {
  if ((await readAttempts(profileDir)).wrong > 0) await write(profileDir, NONE);
}

async function write(profileDir: string, attempts: SignInAttempts): Promise<void> {
  await replaceFileDurably(join(profileDir, FILE), JSON.stringify({ v: 1, ...attempts }));
}
