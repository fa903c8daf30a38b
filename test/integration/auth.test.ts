import fs from 'node:fs';
import path from 'node:path';
import { base64url, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECT, errorCodes, startTestServer, type GraphQLResponse, type TestServer } from './harness';

const ME = '{ me { sub roles agency } }';

describe(`authentication and roles (${DIALECT})`, () => {
  let t: TestServer;
  let devKid: string;
  let devPrivate: Record<string, string>;

  beforeAll(async () => {
    t = await startTestServer();
    devPrivate = JSON.parse(fs.readFileSync(path.join(t.config.dataDir, 'dev-signing-key.json'), 'utf8'));
    devKid = devPrivate.kid!;
  });
  afterAll(async () => t?.stop());

  async function signWithDevKey(claims: Record<string, unknown>, header: Record<string, unknown> = {}, build?: (jwt: SignJWT) => SignJWT) {
    const { importJWK } = await import('jose');
    const key = await importJWK(devPrivate, 'ES256');
    let jwt = new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: devKid, ...header });
    jwt = build ? build(jwt) : jwt.setSubject('mallory').setIssuer(t.config.jwtIssuer).setAudience(t.config.jwtAudience).setExpirationTime('5m');
    return jwt.sign(key);
  }

  async function expectUnauthenticated(token: string | null, header?: string) {
    const response = header
      ? await fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: header }, body: JSON.stringify({ query: ME }) }).then(async (r) => ({ status: r.status, body: (await r.json()) as GraphQLResponse['body'] }))
      : await t.graphql(ME, {}, token);
    expect(response.status).toBe(401);
    expect(response.body.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect(response.body.data ?? null).toBeNull();
  }

  it('accepts a valid token and reports the principal', async () => {
    const response = await t.graphql(ME, {}, await t.token(['REPORTER', 'ANALYST'], 'alice'));
    expect(response.body).toEqual({ data: { me: { sub: 'alice', roles: ['REPORTER', 'ANALYST'], agency: null } } });
  });

  it('refuses a request without a token', async () => expectUnauthenticated(null));
  it('refuses a malformed Authorization header', async () => expectUnauthenticated(null, 'Basic dXNlcjpwYXNz'));
  it('refuses a garbage bearer token', async () => expectUnauthenticated('abc.def.ghi'));

  it('refuses an expired token', async () => {
    const token = await signWithDevKey({ roles: ['REPORTER'] }, {}, (jwt) =>
      jwt.setSubject('mallory').setIssuer(t.config.jwtIssuer).setAudience(t.config.jwtAudience).setExpirationTime(Math.floor(Date.now() / 1000) - 120),
    );
    await expectUnauthenticated(token);
  });

  it('refuses a token without exp', async () => {
    const token = await signWithDevKey({ roles: ['REPORTER'] }, {}, (jwt) => jwt.setSubject('mallory').setIssuer(t.config.jwtIssuer).setAudience(t.config.jwtAudience));
    await expectUnauthenticated(token);
  });

  it('refuses a token without sub', async () => {
    const token = await signWithDevKey({ roles: ['REPORTER'] }, {}, (jwt) => jwt.setIssuer(t.config.jwtIssuer).setAudience(t.config.jwtAudience).setExpirationTime('5m'));
    await expectUnauthenticated(token);
  });

  it('refuses the wrong issuer', async () => {
    const token = await signWithDevKey({ roles: ['REPORTER'] }, {}, (jwt) => jwt.setSubject('m').setIssuer('someone-else').setAudience(t.config.jwtAudience).setExpirationTime('5m'));
    await expectUnauthenticated(token);
  });

  it('refuses the wrong audience', async () => {
    const token = await signWithDevKey({ roles: ['REPORTER'] }, {}, (jwt) => jwt.setSubject('m').setIssuer(t.config.jwtIssuer).setAudience('another-api').setExpirationTime('5m'));
    await expectUnauthenticated(token);
  });

  it('refuses a token whose kid is not in the JWKS', async () => {
    await expectUnauthenticated(await signWithDevKey({ roles: ['REPORTER'] }, { kid: 'unknown-kid' }));
  });

  it('refuses a token signed by a key outside the JWKS under a known kid', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const token = await new SignJWT({ roles: ['OFFICER'] })
      .setProtectedHeader({ alg: 'ES256', kid: devKid })
      .setSubject('mallory').setIssuer(t.config.jwtIssuer).setAudience(t.config.jwtAudience).setExpirationTime('5m')
      .sign(privateKey);
    await expectUnauthenticated(token);
  });

  it('refuses alg: none', async () => {
    const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }));
    const payload = base64url.encode(JSON.stringify({ sub: 'mallory', roles: ['OFFICER'], iss: t.config.jwtIssuer, aud: t.config.jwtAudience, exp: Math.floor(Date.now() / 1000) + 300 }));
    await expectUnauthenticated(`${header}.${payload}.`);
  });

  it('refuses HS256 signed with the public key (algorithm confusion)', async () => {
    const jwks = JSON.parse(fs.readFileSync(path.join(t.config.dataDir, 'dev-jwks.json'), 'utf8'));
    const secret = new TextEncoder().encode(JSON.stringify(jwks.keys[0]));
    const token = await new SignJWT({ roles: ['OFFICER'] })
      .setProtectedHeader({ alg: 'HS256', kid: devKid })
      .setSubject('mallory').setIssuer(t.config.jwtIssuer).setAudience(t.config.jwtAudience).setExpirationTime('5m')
      .sign(secret);
    await expectUnauthenticated(token);
  });

  it('refuses a tampered payload', async () => {
    const token = await t.token(['REPORTER'], 'bob');
    const [header, , signature] = token.split('.');
    const forged = base64url.encode(JSON.stringify({ sub: 'bob', roles: ['OFFICER'], iss: t.config.jwtIssuer, aud: t.config.jwtAudience, exp: Math.floor(Date.now() / 1000) + 300 }));
    await expectUnauthenticated(`${header}.${forged}.${signature}`);
  });

  it('refuses a roles claim that is not an array', async () => {
    await expectUnauthenticated(await signWithDevKey({ roles: 'OFFICER' }));
  });

  it('gives a token with no roles me and waves, and FORBIDDEN for everything else', async () => {
    const token = await t.token([], 'nobody');
    const me = await t.graphql('{ me { sub roles } waves { number } }', {}, token);
    expect(me.body).toEqual({ data: { me: { sub: 'nobody', roles: [] }, waves: [] } });
    const subjects = await t.graphql('{ subjects(first: 1) { edges { node { id } } } }', {}, token);
    expect(errorCodes(subjects)).toEqual(['FORBIDDEN']);
    expect(subjects.body.data).toBeNull();
  });

  it('ignores unknown role names rather than granting anything', async () => {
    const response = await t.graphql(ME, {}, await signWithDevKey({ roles: ['SUPERUSER', 'REPORTER'] }));
    expect(response.body.data).toEqual({ me: { sub: 'mallory', roles: ['REPORTER'], agency: null } });
  });

  it('refuses a role the operation does not admit: FORBIDDEN with no data', async () => {
    const response = await t.graphql('{ subjects(first: 1) { edges { node { id } } } }', {}, await t.token(['REPORTER', 'AGENCY', 'OPERATOR', 'AUDITOR']));
    expect(errorCodes(response)).toEqual(['FORBIDDEN']);
    expect(response.body.data).toBeNull();
  });

  it('accepts RS256 and EdDSA keys from a configured JWKS file', async () => {
    const rsa = await generateKeyPair('RS256');
    const ed = await generateKeyPair('EdDSA');
    const jwksFile = path.join(t.config.dataDir, 'partner-jwks.json');
    fs.writeFileSync(jwksFile, JSON.stringify({ keys: [{ ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256' }, { ...(await exportJWK(ed.publicKey)), kid: 'ed-1', alg: 'EdDSA' }] }));
    const other = await startTestServer({ env: { SAMARAN_JWKS_FILE: jwksFile } });
    try {
      for (const [alg, kid, key] of [['RS256', 'rsa-1', rsa.privateKey], ['EdDSA', 'ed-1', ed.privateKey]] as const) {
        const token = await new SignJWT({ roles: ['REPORTER'] }).setProtectedHeader({ alg, kid }).setSubject(`via-${alg}`)
          .setIssuer(other.config.jwtIssuer).setAudience(other.config.jwtAudience).setExpirationTime('5m').sign(key);
        const response = await other.graphql(ME, {}, token);
        expect(response.body.data).toEqual({ me: { sub: `via-${alg}`, roles: ['REPORTER'], agency: null } });
      }
      // The development key is not trusted once a JWKS is configured.
      const response = await other.graphql(ME, {}, await other.token(['REPORTER']));
      expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
    } finally {
      await other.stop();
    }
  });
});
