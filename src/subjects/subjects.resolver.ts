import { Arg, Authorized, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import { Role } from '../auth/role';
import type { RequestContext } from '../context';
import { AccessAction } from '../access-log/access-log.service';
import { encodeCursor } from './subject-query.service';
import { SubjectConnection, SubjectFilterInput, SubjectType } from './subject.type';

@Resolver()
export class SubjectsResolver {
  @Authorized(Role.ANALYST, Role.OFFICER)
  @Query(() => SubjectConnection, { description: 'Pseudonymous ACTIVE subjects, a page at a time (restricted and erased ones are only counted). ANALYST, OFFICER; which ids were returned is logged. `first` is 1–500.' })
  async subjects(
    @Arg('filter', () => SubjectFilterInput, { nullable: true }) filter: SubjectFilterInput | null,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() { em, services, principal, requestId }: RequestContext,
  ): Promise<SubjectConnection> {
    // The read and its access-log event commit together, before anything is returned.
    const page = await em.transactional(async (tx) => {
      const result = await services.subjects.page(tx, filter ?? {}, first, after);
      await services.accessLog.append(tx, { principal, requestId, action: AccessAction.READ_SUBJECTS, subjectIds: result.subjects.map((s) => s.id), outcome: 'ALLOWED' });
      return result;
    });
    const edges = page.subjects.map((subject) => ({ cursor: encodeCursor(subject.id), node: SubjectType.from(subject) }));
    return {
      edges,
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.length ? edges[edges.length - 1]!.cursor : null },
    };
  }

  @Authorized(Role.ANALYST, Role.OFFICER)
  @Query(() => SubjectType, { nullable: true, description: 'One pseudonymous ACTIVE subject by its opaque id, or null (also when restricted or erased). ANALYST, OFFICER; logged.' })
  async subject(@Arg('id', () => ID) id: string, @Ctx() { em, services, principal, requestId }: RequestContext): Promise<SubjectType | null> {
    const subject = await em.transactional(async (tx) => {
      const found = await services.subjects.byId(tx, id);
      await services.accessLog.append(tx, { principal, requestId, action: AccessAction.READ_SUBJECT, subjectIds: found ? [found.id] : [], outcome: 'ALLOWED' });
      return found;
    });
    return subject ? SubjectType.from(subject) : null;
  }
}
