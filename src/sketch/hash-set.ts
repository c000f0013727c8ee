/**
 * A set of 63-bit hashes as (low, high) pairs in one Uint32Array, open addressing with linear
 * probing on the low half (the hashes are uniform, so its bits index well). Zero marks a free
 * slot: DataSketches never retains the hash 0, and the decoder rejects it. The slot layout is
 * not DataSketches': only which hashes are present matters to the results.
 */
export class HashSet64 {
  private slots: Uint32Array;
  private mask: number;
  private count = 0;

  /** Room for `capacity` hashes at most half full. */
  constructor(capacity: number) {
    let slots = 16;
    while (slots < capacity * 2) slots *= 2;
    this.slots = new Uint32Array(slots * 2);
    this.mask = slots - 1;
  }

  has(lo: number, hi: number): boolean {
    const slots = this.slots;
    for (let i = lo & this.mask; ; i = (i + 1) & this.mask) {
      const slotLo = slots[2 * i]!;
      const slotHi = slots[2 * i + 1]!;
      if (slotLo === lo && slotHi === hi) return true;
      if (slotLo === 0 && slotHi === 0) return false;
    }
  }

  /** Adds the hash; false when it was already there. The caller keeps size under capacity. */
  add(lo: number, hi: number): boolean {
    const slots = this.slots;
    for (let i = lo & this.mask; ; i = (i + 1) & this.mask) {
      const slotLo = slots[2 * i]!;
      const slotHi = slots[2 * i + 1]!;
      if (slotLo === lo && slotHi === hi) return false;
      if (slotLo === 0 && slotHi === 0) {
        slots[2 * i] = lo;
        slots[2 * i + 1] = hi;
        this.count++;
        return true;
      }
    }
  }

  get size(): number {
    return this.count;
  }

  /** The hashes, in slot order, as (low, high) pairs in a new array. */
  toPairs(): Uint32Array {
    const out = new Uint32Array(this.count * 2);
    const slots = this.slots;
    let n = 0;
    for (let i = 0; i < slots.length; i += 2) {
      if (slots[i] !== 0 || slots[i + 1] !== 0) {
        out[n++] = slots[i]!;
        out[n++] = slots[i + 1]!;
      }
    }
    return out;
  }

  clear(): void {
    this.slots.fill(0);
    this.count = 0;
  }
}
