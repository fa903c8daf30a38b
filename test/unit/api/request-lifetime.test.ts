import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { buildSchema, execute, printSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { LazyRequestContext } from '../../../src/context';
import { expressHttpClasses } from '../../../src/web/express-classes';

/**
 * A finished request must be garbage to V8's young-generation collector. Three things on the
 * request path kept every request reachable from the old generation (a prototype changed after
 * construction; getters or setters defined per object), so each scavenge copied and promoted whole
 * requests: on this service, 5–8 ms pauses every few dozen requests, the counts' latency tail.
 * These tests pin the three remedies; the benchmark (`npm run bench counts`) shows their effect.
 */

async function withServer<T>(app: express.Express, run: (url: string, server: http.Server) => Promise<T>): Promise<T> {
  const server = http.createServer(expressHttpClasses(app), app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, server);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('express requests built as express classes', () => {
  it('arrive with the app’s prototypes already, so express does not change them', async () => {
    const app = express();
    app.get('/', (_req, res) => {
      res.send('ok');
    });
    const seen: boolean[] = [];
    await withServer(app, async (url, server) => {
      // Runs before express: the prototypes the request and response were constructed with.
      server.prependListener('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
        seen.push(Object.getPrototypeOf(req) === app.request, Object.getPrototypeOf(res) === app.response);
      });
      expect((await fetch(url)).status).toBe(200);
    });
    expect(seen).toEqual([true, true]);
    expect(app.request).toBeInstanceOf(http.IncomingMessage);
    expect(app.response).toBeInstanceOf(http.ServerResponse);
  });

  it('still have express’s request and response methods, and the app', async () => {
    const app = express();
    app.get('/:name', (req, res) => {
      res.status(201).type('text').send(`${req.params.name} ${req.get('x-probe')} ${req.app === app} ${res.app === app}`);
    });
    await withServer(app, async (url) => {
      const response = await fetch(`${url}/samaran`, { headers: { 'x-probe': 'yes' } });
      expect(response.status).toBe(201);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await response.text()).toBe('samaran yes true true');
    });
  });
});

describe("Apollo's gateway request context (patches/@apollo+server)", () => {
  it('has a status accessor on a prototype, not per object, and it still sets the HTTP status', async () => {
    const schema = buildSchema('type Query { ok: Boolean }');
    const seen: Array<PropertyDescriptor | undefined> = [];
    const gateway = {
      onSchemaLoadOrUpdate(callback: (schemaContext: { apiSchema: typeof schema; coreSupergraphSdl: string }) => void) {
        callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
        return () => undefined;
      },
      load: async () => ({
        executor: async (request: GatewayGraphQLRequestContext) => {
          const responseHttp = request.response!.http!;
          seen.push(Object.getOwnPropertyDescriptor(responseHttp, 'status'));
          responseHttp.status = 203;
          return execute({ schema, document: request.document, rootValue: { ok: true } });
        },
      }),
      stop: async () => undefined,
    };
    const apollo = new ApolloServer({ gateway, plugins: [ApolloServerPluginCacheControlDisabled()] });
    await apollo.start();
    try {
      const app = express();
      app.use('/graphql', express.json(), expressMiddleware(apollo));
      await withServer(app, async (url) => {
        const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ ok }"}' });
        expect(response.status).toBe(203);
        expect(await response.json()).toEqual({ data: { ok: true } });
      });
    } finally {
      await apollo.stop();
    }
    expect(seen).toEqual([undefined]);
  });
});

describe('LazyRequestContext', () => {
  it('makes its EntityManager and logger when first asked, not when Apollo copies it', () => {
    let forks = 0;
    let loggers = 0;
    const context = new LazyRequestContext(null, 'request', {} as never, {} as never, {
      forkEntityManager: () => ({ fork: ++forks }) as never,
      childLogger: () => ({ logger: ++loggers }) as never,
    });
    // What Apollo Server does with a context for every operation (cloneObject in ApolloServer.js).
    const copy = Object.assign(Object.create(Object.getPrototypeOf(context) as object) as LazyRequestContext, context);
    expect([forks, loggers]).toEqual([0, 0]);
    expect(copy.em).toBe(context.em);
    expect(copy.log).toBe(context.log);
    expect([forks, loggers]).toEqual([1, 1]);
    expect(Object.getOwnPropertyDescriptor(context, 'em')).toBeUndefined();
  });
});
