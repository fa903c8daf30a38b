import { randomBytes } from 'node:crypto';
import express, { Router, type RequestHandler, type Response } from 'express';
import helmet from 'helmet';
import type { Config } from '../config';
import { ASSETS_PATH, defaultPublicDir, readAssetManifest, renderPage, type PageName } from './web-assets';

/**
 * The browser pages: the reporting dashboard at `/` and GraphiQL at `/graphiql`, with their
 * bundles under /assets. Only these responses carry the Content-Security-Policy below; `/graphql`
 * is mounted elsewhere and untouched.
 *
 * The policy allows scripts, styles and fetches from this origin only. Styles also accept
 * elements carrying the response's nonce: GraphiQL's dialogs (Radix, through
 * react-remove-scroll) add one `<style>` element while open, and read the nonce from
 * `<meta name="samaran-style-nonce">`. No `'unsafe-inline'` and no `'unsafe-eval'` anywhere.
 * `data:` is allowed for fonts and images only: GraphiQL's stylesheet embeds its fonts and icons
 * as data URLs, and the favicon is one.
 */
export function contentSecurityPolicy(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", (_req, res) => `'nonce-${(res as Response).locals.styleNonce as string}'`],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        baseUri: ["'none'"],
        formAction: ["'none'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
      },
    },
    // Plain HTTP is normal on a closed network or behind a TLS proxy; HSTS is the proxy's call.
    strictTransportSecurity: false,
  });
}

const styleNonce: RequestHandler = (_req, res, next) => {
  res.locals.styleNonce = randomBytes(16).toString('base64');
  next();
};

// esbuild names bundles `<name>-<8 character hash>.<ext>`; nothing else in the folder is served.
const HASHED_ASSET = /^\/[A-Za-z0-9_]+-[A-Z0-9]{8}\.(js|css)(\.map|\.LEGAL\.txt)?$/;

export interface WebRoutesOptions {
  /** Where the built bundles are (default dist/web/public). */
  publicDir?: string;
}

export function webRoutes(config: Pick<Config, 'env'>, options: WebRoutesOptions = {}): Router {
  const publicDir = options.publicDir ?? defaultPublicDir();
  const router = Router();
  const security = [styleNonce, contentSecurityPolicy()];
  // Read once; a build while the server runs is picked up at the next start.
  const manifest = readAssetManifest(publicDir);

  const page =
    (name: PageName): RequestHandler =>
    (_req, res) => {
      res.set('Cache-Control', 'no-cache');
      if (!manifest) {
        res.status(503).type('text/plain').send('The web pages are not built: run `npm run build`.\n');
        return;
      }
      res.type('html').send(renderPage(manifest, name, { styleNonce: res.locals.styleNonce as string, developmentTokens: config.env !== 'production' }));
    };

  router.get('/', ...security, page('dashboard'));
  router.get('/graphiql', ...security, page('graphiql'));
  router.use(
    ASSETS_PATH,
    ...security,
    (req, res, next) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        next();
      } else if (HASHED_ASSET.test(req.path)) {
        next();
      } else {
        res.status(404).set('Cache-Control', 'no-cache').type('text/plain').send('Not found\n');
      }
    },
    express.static(publicDir, { index: false, immutable: true, maxAge: '365d', fallthrough: false, dotfiles: 'deny' }),
  );
  return router;
}
