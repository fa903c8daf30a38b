import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import { createElement, StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './graphiql-page.css';
import { EXAMPLE_TABS } from './example-operations';
import { postGraphQL } from './graphql-request';
import { describeToken, developmentTokensAvailable, fetchDevelopmentToken, ROLES, SessionToken, type RoleName } from './session-token';
import { el } from './dom';
import { adoptStyleNonce } from './style-nonce';

/**
 * GraphiQL at /graphiql, from the graphiql package (its CSS and embedded fonts included): nothing
 * is loaded from anywhere but this origin. A bar above it takes a bearer token (sessionStorage
 * only) and, outside production, mints a development token for a chosen role.
 */

const session = new SessionToken('graphiql');

const NO_TOKEN = 'No bearer token yet: paste one in the bar above (or get a development token), then run again.';

interface FetcherParams {
  query: string;
  operationName?: string | null;
  variables?: unknown;
}

/** GraphiQL's fetcher: this origin's /graphql, the session token, plus the headers editor's headers. */
function createFetcher(token: string | null) {
  return (params: FetcherParams, options?: { headers?: Record<string, unknown> }) => {
    const extra: Record<string, string> = {};
    for (const [name, value] of Object.entries(options?.headers ?? {})) if (typeof value === 'string') extra[name.toLowerCase()] = value;
    if (extra.authorization) return postGraphQLWithHeaders(params, extra);
    // Every operation needs a token: say so here rather than send a request bound to fail.
    if (!token) return Promise.resolve({ errors: [{ message: NO_TOKEN, extensions: { code: 'UNAUTHENTICATED' } }] });
    return postGraphQL(params, token);
  };
}

async function postGraphQLWithHeaders(params: FetcherParams, headers: Record<string, string>): Promise<unknown> {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
    body: JSON.stringify(params),
    credentials: 'omit',
  });
  return response.json();
}

function tokenBar(onChange: () => void): HTMLElement {
  const status = el('span', { className: 'sg-token-status', role: 'status', 'data-testid': 'token-status' });
  const input = el('input', {
    type: 'password',
    id: 'sg-token',
    name: 'token',
    autocomplete: 'off',
    spellcheck: 'false',
    placeholder: 'Paste a bearer token (JWT)',
    'aria-label': 'Bearer token',
  });
  const refresh = (): void => {
    status.textContent = describeToken(session.get());
    onChange();
  };
  const form = el(
    'form',
    { className: 'sg-token-form', 'aria-label': 'Bearer token' },
    input,
    el('button', { type: 'submit' }, 'Use token'),
    el('button', { type: 'button', className: 'sg-secondary', onclick: () => (session.forget(), refresh()) }, 'Forget'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (input.value.trim()) session.set(input.value);
    input.value = '';
    refresh();
  });

  const bar = el(
    'header',
    { className: 'sg-bar' },
    el('span', { className: 'sg-brand' }, 'Samaran'),
    el('nav', {}, el('a', { href: '/' }, 'Dashboard'), el('span', { 'aria-current': 'page' }, 'GraphiQL')),
    form,
  );
  if (developmentTokensAvailable()) {
    const role = el('select', { 'aria-label': 'Role for a development token', id: 'sg-dev-role' }, ...ROLES.map((name) => el('option', { value: name }, name)));
    const button = el('button', { type: 'button', className: 'sg-secondary' }, 'Get development token');
    button.addEventListener('click', () => {
      button.disabled = true;
      fetchDevelopmentToken(role.value as RoleName)
        .then((token) => session.set(token))
        .catch((error: unknown) => (status.textContent = error instanceof Error ? error.message : String(error)))
        .finally(() => {
          button.disabled = false;
          if (session.get()) refresh();
        });
    });
    bar.append(el('span', { className: 'sg-dev', title: 'Development only: refused in production' }, role, button));
  }
  bar.append(status);
  status.textContent = describeToken(session.get());
  return bar;
}

function main(): void {
  adoptStyleNonce();
  const page = document.getElementById('root')!;
  const container = el('div', { className: 'sg-graphiql' });
  const root = createRoot(container);
  const render = (): void => {
    root.render(
      createElement(StrictMode, {
        children: createElement(GraphiQL, {
          fetcher: createFetcher(session.get()),
          defaultTabs: EXAMPLE_TABS.map((tab) => ({ ...tab })),
          defaultEditorToolsVisibility: true,
          shouldPersistHeaders: false,
          isHeadersEditorEnabled: true,
        }),
      }),
    );
  };
  page.append(tokenBar(render), container);
  render();
}

main();
