/**
 * Greedy packing of a section's blocks into chunks. Whole blocks are preferred; a block is cut
 * (at sentence atoms) only when it cannot fit a chunk on its own, or when the chunk so far is
 * too small to be worth closing. Every size here is in TOKEN_UNITS.
 */
import type { Atom, LayoutBlock } from './layout';

/** Size limits of one packing run, in TOKEN_UNITS. */
export interface PackLimits {
  target: number;
  /** Never exceeded, unless a single word is larger. */
  max: number;
  /** Below this a chunk is still hungry: it may take a block that overshoots the target... */
  min: number;
  /** ...up to this size. */
  softMax: number;
  /** Below this a chunk would be too thin to close: it fills up with part of the next block. */
  small: number;
  /** A section's last chunk smaller than this (beyond its overlap) merges into the one before. */
  tiny: number;
  /** How much of the previous chunk's end the next chunk repeats. */
  overlap: number;
}

/** Atoms [first, last] (inclusive); those before bodyFirst repeat the previous chunk's end. */
export interface ChunkRange {
  first: number;
  last: number;
  bodyFirst: number;
}

/** Packs the atoms of one section, one packer per document (it keeps prefix sums). */
export class SectionPacker {
  private readonly cum: Float64Array;
  /** For each atom, the last atom of the glued run it starts (itself when not glued). */
  private readonly groupEnd: Int32Array;
  private out: ChunkRange[] = [];
  /** The open chunk: first atom (overlap included), first atom of its own, last atom taken. */
  private first = -1;
  private bodyFirst = -1;
  private last = -1;
  /** Where the next chunk's overlap starts, or -1. */
  private carryFrom = -1;

  constructor(
    private readonly atoms: Atom[],
    private readonly limits: PackLimits,
  ) {
    this.cum = new Float64Array(atoms.length + 1);
    for (let i = 0; i < atoms.length; i++) this.cum[i + 1] = this.cum[i] + atoms[i].units;
    this.groupEnd = new Int32Array(atoms.length);
    for (let i = atoms.length - 1; i >= 0; i--) {
      this.groupEnd[i] = atoms[i].glued && i + 1 < atoms.length ? this.groupEnd[i + 1] : i;
    }
  }

  /** Size of atoms [a, b] (inclusive). */
  units(a: number, b: number): number {
    return b < a ? 0 : this.cum[b + 1] - this.cum[a];
  }

  /** Chunks covering the given blocks (which must be consecutive in the atom array). */
  pack(blocks: LayoutBlock[]): ChunkRange[] {
    const { target, max, min, softMax, small } = this.limits;
    this.out = [];
    this.carryFrom = -1;
    for (const block of blocks) {
      let a = block.first;
      while (a <= block.last) {
        if (this.first >= 0 && this.atoms[a].gapBefore) this.close(false);
        if (this.first < 0) this.open(a);
        const rest = this.units(a, block.last);
        const size = this.size();
        if (this.body() === 0) {
          // A block that fits a chunk on its own stays whole, giving up overlap if it must.
          if (rest <= max) {
            this.dropOverlap(rest);
            this.take(block.last);
            break;
          }
          a = this.fill(a, block.last);
          this.close(true);
          continue;
        }
        if (size + rest <= target || (size < min && size + rest <= softMax) || (size < small && size + rest <= max)) {
          this.take(block.last);
          break;
        }
        if (size < small) a = this.fill(a, block.last);
        this.close(true);
      }
    }
    if (this.first >= 0) this.close(false);
    this.mergeTinyTail();
    return this.out;
  }

  private size(): number {
    return this.units(this.first, this.last);
  }

  private body(): number {
    return this.units(this.bodyFirst, this.last);
  }

  private open(a: number): void {
    this.first = this.carryFrom >= 0 && !this.atoms[a].gapBefore ? this.carryFrom : a;
    this.bodyFirst = a;
    this.last = a - 1;
    this.carryFrom = -1;
  }

  private take(upTo: number): void {
    this.last = upTo;
  }

  /** Gives up overlap, oldest sentence first, until `extra` more fits under the maximum. */
  private dropOverlap(extra: number): void {
    while (this.first < this.bodyFirst && (this.size() + extra > this.limits.max || this.atoms[this.first - 1].glued)) this.first++;
  }

  /**
   * Takes glued runs of atoms from `a` while the chunk stays within the target; an empty chunk
   * takes at least one run (or, for an over-long run, atoms up to the maximum). Returns the
   * next atom not taken.
   */
  private fill(a: number, end: number): number {
    const { target, max } = this.limits;
    let took = false;
    while (a <= end) {
      const g = Math.min(this.groupEnd[a], end);
      const t = this.units(a, g);
      if (this.size() + t <= target) {
        this.take(g);
        a = g + 1;
        took = true;
        continue;
      }
      if (took || this.body() > 0) break;
      this.dropOverlap(t);
      if (this.size() + t <= max) {
        this.take(g);
        return g + 1;
      }
      // A glued run too long for one chunk: break it rather than exceed the maximum.
      this.dropOverlap(this.units(a, a));
      this.take(a++);
      while (a <= g && this.size() + this.units(a, a) <= max) this.take(a++);
      return a;
    }
    return a;
  }

  /** Closes the open chunk; with `carry`, the next one starts by repeating its last sentences. */
  private close(carry: boolean): void {
    this.out.push({ first: this.first, last: this.last, bodyFirst: this.bodyFirst });
    this.carryFrom = carry ? this.overlapStart() : -1;
    this.first = -1;
  }

  /**
   * Where the repeated tail of the closing chunk starts: whole sentences from its end that fit
   * the overlap budget, never a heading, never the whole chunk, never mid-sentence. A single
   * last sentence up to twice the budget is still carried, so prose of long sentences keeps
   * its overlap. -1 for none.
   */
  private overlapStart(): number {
    const budget = this.limits.overlap;
    if (budget <= 0) return -1;
    let best = -1;
    for (let p = this.last; p > this.first; p--) {
      if (this.atoms[p].heading) break;
      const size = this.units(p, this.last);
      const fits = size <= budget || (best < 0 && size <= budget * 2);
      if (!fits) break;
      if (!this.atoms[p - 1].glued) best = p;
    }
    return best;
  }

  /** A tiny last piece of a section reads better as the end of the chunk before it. */
  private mergeTinyTail(): void {
    const n = this.out.length;
    if (n < 2) return;
    const tail = this.out[n - 1];
    const prev = this.out[n - 2];
    if (prev.last + 1 !== tail.bodyFirst || this.atoms[tail.bodyFirst].gapBefore) return;
    if (this.units(tail.bodyFirst, tail.last) >= this.limits.tiny) return;
    if (this.units(prev.first, tail.last) > this.limits.max) return;
    prev.last = tail.last;
    this.out.pop();
  }
}
