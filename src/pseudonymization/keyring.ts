import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** One secret key. `key` is standard base64 of exactly 32 bytes. */
export interface KeyMaterial {
  id: string;
  key: string;
  createdAt: string;
}

/** The on-disk keys file. Newest key LAST in each array; the last entry is the one new writes use. */
export interface KeysFile {
  version: 1;
  tokenKeys: KeyMaterial[];
  keyEncryptionKeys: KeyMaterial[];
}

/**
 * A missing, malformed or unknown key. Messages name the file, the entry and the problem; they
 * never contain key bytes, so they are safe to log.
 */
export class KeyringError extends Error {
  override readonly name = 'KeyringError';
}

const KEY_BYTES = 32;
// Ids appear inside tokens (`t1.<mac>`) and wrapped-key records, so '.' and whitespace are excluded.
const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const STANDARD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;
const TOP_LEVEL_PROPERTIES = ['version', 'tokenKeys', 'keyEncryptionKeys'] as const;
const ENTRY_PROPERTIES = ['id', 'key', 'createdAt'] as const;

type KeyKind = 'tokenKeys' | 'keyEncryptionKeys';

interface LoadedKeys {
  readonly ids: readonly string[];
  readonly keys: ReadonlyMap<string, Buffer>;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function rejectUnknownProperties(
  value: Record<string, unknown>,
  allowed: readonly string[],
  where: string,
  fail: (problem: string) => never,
): void {
  const unknown = Object.keys(value).filter((name) => !allowed.includes(name));
  if (unknown.length > 0) {
    const names = unknown.map((name) => `"${name}"`).join(', ');
    fail(`${where} has unknown propert${unknown.length === 1 ? 'y' : 'ies'} ${names}`);
  }
}

function validateKeyList(
  value: unknown,
  kind: KeyKind,
  fail: (problem: string) => never,
): { materials: KeyMaterial[]; loaded: LoadedKeys } {
  if (!Array.isArray(value)) fail(`"${kind}" must be an array`);
  if (value.length === 0) fail(`"${kind}" must hold at least one key`);
  const materials: KeyMaterial[] = [];
  const keys = new Map<string, Buffer>();
  value.forEach((entry: unknown, index: number) => {
    const where = `${kind}[${index}]`;
    if (!isPlainObject(entry)) fail(`${where} must be an object with id, key and createdAt`);
    rejectUnknownProperties(entry, ENTRY_PROPERTIES, where, fail);
    const { id, key, createdAt } = entry;
    if (typeof id !== 'string' || !KEY_ID_PATTERN.test(id)) {
      fail(`${where}.id must be 1-64 characters of letters, digits, "_" or "-"`);
    }
    if (keys.has(id)) fail(`duplicate key id "${id}" in "${kind}"`);
    if (typeof key !== 'string' || !STANDARD_BASE64.test(key)) fail(`${where}.key (id "${id}") must be a standard base64 string`);
    const bytes = Buffer.from(key, 'base64');
    if (bytes.length !== KEY_BYTES) {
      fail(`${where}.key (id "${id}") must decode to ${KEY_BYTES} bytes, got ${bytes.length}`);
    }
    if (typeof createdAt !== 'string' || !ISO_TIMESTAMP.test(createdAt) || Number.isNaN(Date.parse(createdAt))) {
      fail(`${where}.createdAt (id "${id}") must be an ISO 8601 timestamp`);
    }
    keys.set(id, bytes);
    materials.push({ id, key, createdAt });
  });
  return { materials, loaded: { ids: materials.map((m) => m.id), keys } };
}

function lookup(loaded: LoadedKeys, id: string, what: string): Buffer {
  const key = loaded.keys.get(id);
  if (!key) throw new KeyringError(`unknown ${what} id "${id}"`);
  return key;
}

/**
 * The validated, in-memory set of token keys and key-encryption keys (KEKs). Construct it through
 * `fromFile` / `fromJson`; both validate the whole file before anything can use a key.
 */
export class Keyring {
  private constructor(
    private readonly file: KeysFile,
    private readonly tokens: LoadedKeys,
    private readonly keks: LoadedKeys,
  ) {}

  /**
   * Reads and validates a keys file. Side effects: one synchronous file read.
   * @throws KeyringError naming the path when the file is missing, unreadable, not JSON, or fails
   *   validation (short key, duplicate id, empty list, wrong version, unknown property).
   */
  static fromFile(filePath: string): Keyring {
    let text: string;
    try {
      text = fs.readFileSync(filePath, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new KeyringError(`keys file not found: ${filePath}`);
      throw new KeyringError(`keys file ${filePath} cannot be read (${code ?? 'unknown error'})`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      // The parser's message can quote file content, i.e. key bytes: do not pass it on.
      throw new KeyringError(`keys file ${filePath} is not valid JSON`);
    }
    return Keyring.validate(json, `keys file ${filePath}`);
  }

  /**
   * Validates a parsed keys file (e.g. from the environment) strictly: version 1, both lists
   * non-empty, ids unique per list, every key base64 of exactly 32 bytes, no unknown properties.
   * @throws KeyringError naming the first problem found.
   */
  static fromJson(json: unknown): Keyring {
    return Keyring.validate(json, 'keys file');
  }

  /** Fresh key material: token key `t1` and KEK `k1`, 32 random bytes each. No side effects. */
  static generate(): KeysFile {
    const createdAt = new Date().toISOString();
    return {
      version: 1,
      tokenKeys: [{ id: 't1', key: randomBytes(KEY_BYTES).toString('base64'), createdAt }],
      keyEncryptionKeys: [{ id: 'k1', key: randomBytes(KEY_BYTES).toString('base64'), createdAt }],
    };
  }

  private static validate(json: unknown, source: string): Keyring {
    const fail = (problem: string): never => {
      throw new KeyringError(`${source}: ${problem}`);
    };
    if (!isPlainObject(json)) fail('must be a JSON object');
    const root = json as Record<string, unknown>;
    rejectUnknownProperties(root, TOP_LEVEL_PROPERTIES, 'the top level', fail);
    if (root.version !== 1) fail(`unsupported version ${JSON.stringify(root.version) ?? 'undefined'} (expected 1)`);
    const tokens = validateKeyList(root.tokenKeys, 'tokenKeys', fail);
    const keks = validateKeyList(root.keyEncryptionKeys, 'keyEncryptionKeys', fail);
    return new Keyring(
      { version: 1, tokenKeys: tokens.materials, keyEncryptionKeys: keks.materials },
      tokens.loaded,
      keks.loaded,
    );
  }

  /** The id new tokens are computed under (the newest token key). */
  get currentTokenKeyId(): string {
    return this.tokens.ids[this.tokens.ids.length - 1]!;
  }

  /** All token key ids, oldest first (file order). */
  tokenKeyIds(): string[] {
    return [...this.tokens.ids];
  }

  /**
   * The raw token key. Callers must not log or persist it.
   * @throws KeyringError(`unknown token key id "x"`) for an id not in the file.
   */
  tokenKey(id: string): Buffer {
    return lookup(this.tokens, id, 'token key');
  }

  /** The id new data keys are wrapped under (the newest KEK). */
  get currentKekId(): string {
    return this.keks.ids[this.keks.ids.length - 1]!;
  }

  /** All KEK ids, oldest first (file order). */
  kekIds(): string[] {
    return [...this.keks.ids];
  }

  /**
   * The raw key-encryption key. Callers must not log or persist it.
   * @throws KeyringError for an id not in the file (a missing key means wrapped data keys under it are unreadable).
   */
  kek(id: string): Buffer {
    return lookup(this.keks, id, 'key-encryption key');
  }

  /** A deep copy of the validated file, suitable for `writeKeysFile`. Contains secrets. */
  toJSON(): KeysFile {
    return copyKeysFile(this.file);
  }
}

function copyKeysFile(file: KeysFile): KeysFile {
  return {
    version: 1,
    tokenKeys: file.tokenKeys.map((k) => ({ ...k })),
    keyEncryptionKeys: file.keyEncryptionKeys.map((k) => ({ ...k })),
  };
}

function nextId(existing: readonly KeyMaterial[], prefix: string): string {
  const taken = new Set(existing.map((k) => k.id));
  let n = existing.reduce((max, k) => {
    const match = new RegExp(`^${prefix}(\\d+)$`).exec(k.id);
    return match ? Math.max(max, Number(match[1])) : max;
  }, existing.length);
  do n += 1;
  while (taken.has(`${prefix}${n}`));
  return `${prefix}${n}`;
}

/**
 * Returns a new keys file with a fresh 32-byte key appended to each requested list (`t{n+1}`,
 * `k{n+1}`), making it the current key; old keys stay so existing tokens and wrapped keys remain
 * usable. Pure apart from drawing random bytes: the input is not modified. With neither kind
 * requested the result is an unchanged copy.
 */
export function rotateKeys(file: KeysFile, kinds: { token?: boolean; kek?: boolean }): KeysFile {
  const next = copyKeysFile(file);
  const createdAt = new Date().toISOString();
  if (kinds.token) {
    next.tokenKeys.push({ id: nextId(next.tokenKeys, 't'), key: randomBytes(KEY_BYTES).toString('base64'), createdAt });
  }
  if (kinds.kek) {
    next.keyEncryptionKeys.push({
      id: nextId(next.keyEncryptionKeys, 'k'),
      key: randomBytes(KEY_BYTES).toString('base64'),
      createdAt,
    });
  }
  return next;
}

function writeTemporaryKeysFile(filePath: string, file: KeysFile): string {
  // Refuse to persist something that could not be loaded again: losing keys loses the vault.
  Keyring.fromJson(file);
  fs.mkdirSync(path.dirname(filePath), { recursive: true, mode: 0o700 });
  const tmp = `${filePath}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = fs.openSync(tmp, 'wx', 0o600);
  try {
    // The umask cannot widen 0600, but an inherited ACL or odd umask could narrow it oddly; be explicit.
    fs.fchmodSync(fd, 0o600);
    fs.writeFileSync(fd, `${JSON.stringify(file, null, 2)}\n`);
    fs.fsyncSync(fd);
  } catch (error) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw error;
  }
  fs.closeSync(fd);
  return tmp;
}

/**
 * Writes a keys file atomically: validates it, creates the parent directory (mode 0700) if
 * needed, writes a 0600 temporary file next to the target, fsyncs it and renames it over `path`
 * (replacing any existing file).
 * @throws KeyringError when `file` is invalid; filesystem errors (EACCES, ENOSPC…) propagate.
 */
export function writeKeysFile(filePath: string, file: KeysFile): void {
  const tmp = writeTemporaryKeysFile(filePath, file);
  try {
    fs.renameSync(tmp, filePath);
  } catch (error) {
    fs.rmSync(tmp, { force: true });
    throw error;
  }
}

/**
 * Creates `path` only if it does not exist yet. Two processes starting together must not each
 * generate keys and overwrite one another (one would then encrypt under keys nobody kept), so the
 * final step is link(2), which fails when the target exists. Returns false when it already did.
 */
function createKeysFileExclusively(filePath: string, file: KeysFile): boolean {
  const tmp = writeTemporaryKeysFile(filePath, file);
  try {
    fs.linkSync(tmp, filePath);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/**
 * For development and test only (the caller checks the environment; production must provide keys).
 * Loads `path` if it exists; otherwise generates fresh keys, writes them there (0600, parent
 * created) and calls `warn` once with a loud message saying these are development keys. If another
 * process creates the file first, its keys are loaded instead and nothing is written.
 * @throws KeyringError when an existing file is invalid (it is never overwritten).
 */
export function loadOrCreateDevelopmentKeys(filePath: string, warn: (message: string) => void): Keyring {
  if (fs.existsSync(filePath)) return Keyring.fromFile(filePath);
  const file = Keyring.generate();
  if (!createKeysFileExclusively(filePath, file)) return Keyring.fromFile(filePath);
  warn(
    `!!! GENERATED DEVELOPMENT KEYS at ${filePath} !!! These keys are for development only — DO NOT USE ` +
      'THEM IN PRODUCTION. In production provide the keys file explicitly. Back this file up: losing it makes ' +
      'every vault entry unreadable and every token unmatchable.',
  );
  return Keyring.fromJson(file);
}
