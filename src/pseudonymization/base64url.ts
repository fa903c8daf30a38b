const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Decodes unpadded base64url strictly: Node's decoder silently skips characters outside the
 * alphabet and ignores trailing bits, which would let two different stored strings mean the same
 * bytes. Returns undefined for anything that is not canonical base64url. Internal to this folder.
 */
export function decodeBase64UrlStrict(text: string): Buffer | undefined {
  if (!BASE64URL.test(text) || text.length % 4 === 1) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}
