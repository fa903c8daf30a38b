/** The pages' only way to the API: POST /graphql on this origin with the bearer token. */

export interface GraphQLErrorPayload {
  message: string;
  extensions?: { code?: string; [key: string]: unknown };
}

export interface GraphQLResult<T> {
  data?: T | null;
  errors?: GraphQLErrorPayload[];
}

export class GraphQLRequestError extends Error {
  override readonly name = 'GraphQLRequestError';
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** Posts one operation; raw result, errors included (GraphiQL shows them as they are). */
export async function postGraphQL<T>(body: { query: string; variables?: unknown; operationName?: string | null }, token: string | null): Promise<GraphQLResult<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify(body), credentials: 'omit' });
  return (await response.json()) as GraphQLResult<T>;
}

/** Posts one operation and returns its data, or throws with the first error's code. */
export async function queryData<T>(query: string, variables: Record<string, unknown>, token: string | null): Promise<T> {
  const result = await postGraphQL<T>({ query, variables }, token);
  const first = result.errors?.[0];
  if (first || !result.data) throw new GraphQLRequestError(first?.message ?? 'no data', first?.extensions?.code);
  return result.data;
}
