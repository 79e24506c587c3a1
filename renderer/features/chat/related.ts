import type { ChatTurn } from '../../../contract';

/**
 * Whether a turn points to passages that mention the question's terms rather than answering it
 * (an English question about a French paper, a function named only in SQL): the engine marks
 * such a turn `direct: false`.
 */
export function pointsToPassages(turn: Pick<ChatTurn, 'notFound' | 'direct'>): boolean {
  return !turn.notFound && turn.direct === false;
}
