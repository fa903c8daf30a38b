import { randomFillSync } from 'node:crypto';

// One randomBytes() call costs a few microseconds of fixed overhead, about as much as the AES-GCM
// it feeds; a seal needs seven small draws (six IVs and a data key). Drawing them from a pooled
// CSPRNG buffer, as node:crypto's own randomUUID does, removes most of that overhead.
const POOL_BYTES = 16 * 1024;
const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

/**
 * `n` (≤ 16 KiB) bytes from the CSPRNG, through a process-local pool. Each byte is handed out once:
 * the returned buffer is a copy and its source bytes in the pool are zeroed, so a data key drawn
 * here does not linger in the pool. Internal to this folder.
 */
export function randomBytesPooled(n: number): Buffer {
  if (n > POOL_BYTES) throw new RangeError(`cannot draw more than ${POOL_BYTES} pooled random bytes at once`);
  if (offset + n > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const source = pool.subarray(offset, offset + n);
  const bytes = Buffer.from(source);
  source.fill(0);
  offset += n;
  return bytes;
}
