import type { ApolloServerPlugin } from '@apollo/server';
import {
  getNamedType,
  GraphQLError,
  isLeafType,
  Kind,
  type ASTNode,
  type ASTVisitor,
  type DocumentNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  visit,
} from 'graphql';
import { getComplexity, type ComplexityEstimator, type ComplexityEstimatorArgs } from 'graphql-query-complexity';
import { LimitError } from '../errors';

/**
 * Abuse limits on the shape of an operation, all refused as QUERY_TOO_COMPLEX before anything
 * executes: a token cap at parse time (Apollo `parseOptions`), depth and alias caps as validation
 * rules, and a cost cap computed with graphql-query-complexity from per-field costs that follow the
 * real work (rows read, access-log appends, decryptions). They apply to every operation,
 * introspection included; the introspection query GraphiQL sends stays well within them.
 */
export const QUERY_LIMITS = Object.freeze({
  /**
   * Lexical tokens in a document. GraphiQL's introspection query has under 200; the cap also
   * bounds GraphQL's own validation, which is quadratic in repeated fields (~50 ms at this cap).
   */
  maxTokens: 2000,
  /** Nested field levels. Introspection's type references reach 13; real queries stay under 8. */
  maxDepth: 15,
  /** Aliased fields in a document: an alias is how one request asks for the same work many times. */
  maxAliases: 30,
  /** Cost units (about one row read each); a page of 500 subjects with their applications costs ~12,500. */
  maxCost: 20_000,
  /** Fields and fragments walked while costing, whatever the cost: a guard on the walk itself. */
  maxNodes: 5_000,
});

/** Largest `first` a connection accepts; the services refuse more with BAD_USER_INPUT (field `first`). */
const MAX_PAGE = 500;
/** Assumed length of lists without a size argument: a subject's applications (one per wave), the waves. */
const WAVES_ASSUMED = 10;

function pageSize(args: Record<string, unknown>, fallback = 50): number {
  const first = typeof args.first === 'number' && Number.isFinite(args.first) ? args.first : fallback;
  // Out-of-range values are the service's to refuse with a field-specific error; cost them at the cap.
  return Math.min(Math.max(Math.trunc(first), 1), MAX_PAGE);
}

type Cost = (args: Record<string, unknown>, childComplexity: number) => number;

/**
 * Per-field costs, by `Type.field`; lists multiply their selection by their page size. Base costs: a
 * read with an access-log append 5–10; a personal-data operation (HMAC under every token key or a
 * decryption, and an audited append) 100; verifying the whole chain 1,000.
 */
export const FIELD_COSTS: Readonly<Record<string, Cost>> = {
  'Query.subjects': (args, child) => 10 + pageSize(args) * (1 + child),
  'Query.subject': (_args, child) => 5 + child,
  'Query.findSubjectByNik': (_args, child) => 100 + child,
  'Query.accessLog': (args, child) => 10 + pageSize(args) * (1 + child),
  'Query.verifyAccessLog': (_args, child) => 1_000 + child,
  'Query.waves': (_args, child) => 1 + WAVES_ASSUMED * child,
  'Query.accountability': (_args, child) => 50 + child,
  'CountTable.cells': (_args, child) => 1 + 200 * child,
  'Subject.applications': (_args, child) => 1 + WAVES_ASSUMED * (1 + child),
  'Application.subject': (_args, child) => 2 + child,
  'Mutation.reveal': (_args, child) => 100 + child,
  'Mutation.register': (_args, child) => 20 + child,
  'Mutation.recordOutcome': (_args, child) => 10 + child,
  'Mutation.openWave': (_args, child) => 5 + child,
  'Query.erasureRequests': (args, child) => 10 + pageSize(args) * (1 + child),
  'Query.agreements': (_args, child) => 5 + 20 * (1 + child),
  'Mutation.requestErasure': (_args, child) => 50 + child,
  'Mutation.decideErasure': (_args, child) => 100 + child,
  'Mutation.requestLegalHold': (_args, child) => 20 + child,
  'Mutation.approveLegalHold': (_args, child) => 20 + child,
  'Mutation.createAgreement': (_args, child) => 5 + child,
  // A list costs by its length (one HMAC per token key and one row each): ~1 unit per 10 NIKs.
  'Mutation.submitScreeningList': (args, child) => 20 + listLength(args) / 10 + child,
  'Mutation.appendScreeningList': (args, child) => 20 + listLength(args) / 10 + child,
  'Mutation.beginScreeningList': (_args, child) => 10 + child,
  'Mutation.commitScreeningList': (_args, child) => 100 + child,
  'Mutation.runScreening': (_args, child) => 1_000 + child,
};

/**
 * Names of the fields whose cost above reads their arguments (page sizes, list lengths). Every other
 * cost ignores arguments, so an operation whose variables reach none of these fields' arguments —
 * nor a directive (@skip/@include) — costs the same under any variables and is costed once.
 */
export const ARGUMENT_COSTED_FIELDS: ReadonlySet<string> = new Set(['subjects', 'accessLog', 'erasureRequests', 'submitScreeningList', 'appendScreeningList']);

function listLength(args: Record<string, unknown>): number {
  const input = args.input as { niks?: unknown } | undefined;
  const niks = input?.niks ?? args.niks;
  return Array.isArray(niks) ? niks.length : 0;
}

const samaranEstimator: ComplexityEstimator = ({ type, field, args, childComplexity }: ComplexityEstimatorArgs) =>
  FIELD_COSTS[`${type.name}.${field.name}`]?.(args, childComplexity);

/** Everything else: a scalar or enum is read with its row (0); an object is one more step (1) plus its selection. */
const defaultEstimator: ComplexityEstimator = ({ field, childComplexity }: ComplexityEstimatorArgs) =>
  isLeafType(getNamedType(field.type)) ? 0 : 1 + childComplexity;

export const COMPLEXITY_ESTIMATORS: ComplexityEstimator[] = [samaranEstimator, defaultEstimator];

/** The cost of one operation of a document under the given variables. Throws what getComplexity throws. */
export function operationCost(schema: Parameters<typeof getComplexity>[0]['schema'], document: DocumentNode, variables: Record<string, unknown> | undefined, operationName: string | undefined): number {
  return getComplexity({ schema, query: document, variables, operationName, estimators: COMPLEXITY_ESTIMATORS, maxQueryNodes: QUERY_LIMITS.maxNodes });
}

/** Deepest field nesting of a selection set, following fragment spreads (cycles are cut; NoFragmentCycles reports them). */
function selectionDepth(
  selectionSet: SelectionSetNode | undefined,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  visiting: Set<string>,
  limit: number,
): number {
  if (!selectionSet) return 0;
  let deepest = 0;
  for (const selection of selectionSet.selections) {
    let depth = 0;
    if (selection.kind === Kind.FIELD) {
      depth = selection.selectionSet ? 1 + selectionDepth(selection.selectionSet, fragments, visiting, limit - 1) : 1;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      depth = selectionDepth(selection.selectionSet, fragments, visiting, limit);
    } else {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      if (fragment && !visiting.has(name)) {
        visiting.add(name);
        depth = selectionDepth(fragment.selectionSet, fragments, visiting, limit);
        visiting.delete(name);
      }
    }
    deepest = Math.max(deepest, depth);
    // Past the limit the exact depth does not matter; stop walking.
    if (deepest > limit) return deepest;
  }
  return deepest;
}

/** Validation rule: every operation at most `maxDepth` fields deep → QUERY_TOO_COMPLEX. */
export function depthLimitRule(maxDepth = QUERY_LIMITS.maxDepth) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    return {
      OperationDefinition(operation) {
        const depth = selectionDepth(operation.selectionSet, fragments, new Set(), maxDepth);
        if (depth > maxDepth) context.reportError(LimitError.queryTooComplex(`nested deeper than ${maxDepth} levels`));
      },
    };
  };
}

/** Validation rule: at most `maxAliases` aliased fields in the document → QUERY_TOO_COMPLEX. */
export function aliasLimitRule(maxAliases = QUERY_LIMITS.maxAliases) {
  return (context: ValidationContext): ASTVisitor => {
    let aliases = 0;
    return {
      Field(node) {
        if (node.alias && ++aliases === maxAliases + 1) {
          context.reportError(LimitError.queryTooComplex(`more than ${maxAliases} aliases`));
        }
      },
    };
  };
}

export const LIMIT_VALIDATION_RULES = [depthLimitRule(), aliasLimitRule()];

/** GraphQL's parser aborts with this message past `maxTokens` (16.x spells it "more that"). */
export function isTokenLimitMessage(message: string): boolean {
  return /Document contains more tha[nt] \d+ tokens/.test(message);
}

/** Whether some variable of the document reaches a directive or the arguments of an ARGUMENT_COSTED_FIELDS field. */
export function variablesCanChangeCost(document: DocumentNode): boolean {
  let sensitive = false;
  visit(document, {
    Variable(_node, _key, parent, _path, ancestors) {
      // graphql-js passes the direct parent apart from the ancestors above it.
      const nodes = [...ancestors, parent].filter((node): node is ASTNode => node !== undefined && !Array.isArray(node) && 'kind' in (node as object));
      if (nodes.some((node) => node.kind === Kind.DIRECTIVE)) sensitive = true;
      const argumentAt = nodes.findLastIndex((node) => node.kind === Kind.ARGUMENT);
      const field = nodes[argumentAt - 1];
      if (argumentAt > 0 && field?.kind === Kind.FIELD && ARGUMENT_COSTED_FIELDS.has(field.name.value)) sensitive = true;
    },
  });
  return sensitive;
}

/** An operation's cost, or 'too-many-nodes' when costing it walked past QUERY_LIMITS.maxNodes. */
type Costing = number | 'too-many-nodes';

/**
 * Apollo plugin: costs the operation about to run (with its variables) and refuses it before
 * execution when it exceeds `maxCost`. Variable errors are left to execution, which reports them
 * with their own codes. Apollo hands the same parsed document to every request that sends the same
 * text, so the cost of an operation that no variable can change is kept per document and operation
 * (a reveal or a count table would otherwise walk the schema's types on every request).
 */
export function costLimitPlugin(maxCost = QUERY_LIMITS.maxCost): ApolloServerPlugin {
  /** Per document: its costs by operation name, or null when variables can change them. */
  const fixedCosts = new WeakMap<DocumentNode, Map<string, Costing> | null>();
  const costing = (schema: Parameters<typeof operationCost>[0], document: DocumentNode, variables: Record<string, unknown> | undefined, operationName: string | undefined): Costing | undefined => {
    try {
      return operationCost(schema, document, variables, operationName);
    } catch (error) {
      if (error instanceof GraphQLError && /maximum allowed number of nodes/.test(error.message)) return 'too-many-nodes';
      return undefined;
    }
  };
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, request, operationName }) {
          const name = operationName ?? request.operationName ?? undefined;
          let fixed = fixedCosts.get(document);
          if (fixed === undefined) fixedCosts.set(document, (fixed = variablesCanChangeCost(document) ? null : new Map()));
          let cost = fixed?.get(name ?? '');
          if (cost === undefined) {
            cost = costing(schema, document, request.variables, name);
            // Costing failed for another reason (bad variables): execution reports it with its own code.
            if (cost === undefined) return;
            fixed?.set(name ?? '', cost);
          }
          if (cost === 'too-many-nodes') throw LimitError.queryTooComplex(`more than ${QUERY_LIMITS.maxNodes} fields`);
          if (cost > maxCost) throw LimitError.queryTooComplex(`estimated cost ${cost} exceeds ${maxCost}`);
        },
      };
    },
  };
}
