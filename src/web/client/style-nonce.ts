/**
 * Libraries that add a `<style>` element (Radix dialogs in GraphiQL, through
 * react-style-singleton) read the nonce from `__webpack_nonce__`; the server puts this response's
 * nonce in a meta tag, and the Content-Security-Policy accepts only styles carrying it (besides
 * same-origin stylesheets).
 */
declare global {
  // eslint-disable-next-line no-var
  var __webpack_nonce__: string | undefined;
}

export function adoptStyleNonce(): void {
  const nonce = document.querySelector<HTMLMetaElement>('meta[name="samaran-style-nonce"]')?.content;
  if (nonce) globalThis.__webpack_nonce__ = nonce;
}
