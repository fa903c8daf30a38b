import 'reflect-metadata';
import fs from 'node:fs';
import http from 'node:http';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { buildSchema } from 'graphql';
import { printSamaranSchema } from '../api/schema';

/**
 * The baseline of the counts benchmark: Apollo Server on express answering a fixed object (the
 * same table Samaran returned), with no authentication, database or computation.
 */
async function main(): Promise<void> {
  const fixed = JSON.parse(fs.readFileSync(process.env.SAMARAN_FIXED_RESPONSE!, 'utf8')) as { data: Record<string, unknown> };
  const apollo = new ApolloServer({ schema: buildSchema(printSamaranSchema()), rootValue: fixed.data });
  await apollo.start();
  const app = express();
  app.get('/ready', (_req, res) => {
    res.send('ok');
  });
  app.use('/graphql', express.json(), expressMiddleware(apollo));
  http.createServer(app).listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
}

void main();
