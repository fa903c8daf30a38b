/**
 * A set of 64-bit fingerprints in two typed arrays (open addressing, linear probing), for
 * spotting lines that repeat an application earlier in the same file without holding the lines:
 * 8 bytes per slot, at most 85 % full, so about 9.5–19 bytes per application (512 MB for the
 * ~56 million applications of 42 million people; ~16 MB per million). A false "seen" needs two different applications to share all
 * 64 bits: for n applications the chance is about n² / 2⁶⁵ (≈ 10⁻⁴ at 56 million).
 */
export class FingerprintSet {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private mask: number;
  private count = 0;

  constructor(initialCapacity = 1 << 16) {
    let capacity = 1 << 10;
    while (capacity < initialCapacity) capacity <<= 1;
    this.hi = new Uint32Array(capacity);
    this.lo = new Uint32Array(capacity);
    this.mask = capacity - 1;
  }

  get size(): number {
    return this.count;
  }

  /** Adds the fingerprint of (`token`, `n`); true when it was new, false when already present. */
  add(token: string, n: number): boolean {
    // Two independent 32-bit FNV-1a variants over the token (an HMAC in base64url: already
    // uniformly random) and the number, finished with murmur3's mixer.
    let h1 = 0x811c9dc5 ^ n;
    let h2 = 0x9747b28c ^ Math.imul(n, 0x85ebca6b);
    for (let i = 0; i < token.length; i++) {
      const c = token.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    }
    h1 = fmix(h1);
    h2 = fmix(h2 ^ h1);
    if (h1 === 0 && h2 === 0) h2 = 1; // (0, 0) marks an empty slot
    return this.insert(h1 >>> 0, h2 >>> 0);
  }

  private insert(h1: number, h2: number): boolean {
    let slot = h2 & this.mask;
    for (;;) {
      const a = this.hi[slot]!;
      const b = this.lo[slot]!;
      if (a === 0 && b === 0) break;
      if (a === h1 && b === h2) return false;
      slot = (slot + 1) & this.mask;
    }
    this.hi[slot] = h1;
    this.lo[slot] = h2;
    this.count += 1;
    if (this.count > this.hi.length * 0.85) this.grow();
    return true;
  }

  private grow(): void {
    const { hi, lo } = this;
    this.hi = new Uint32Array(hi.length * 2);
    this.lo = new Uint32Array(lo.length * 2);
    this.mask = this.hi.length - 1;
    this.count = 0;
    for (let i = 0; i < hi.length; i++) if (hi[i] !== 0 || lo[i] !== 0) this.insert(hi[i]!, lo[i]!);
  }
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
