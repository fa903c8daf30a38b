import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { Role } from '../auth/role';
import type { RequestContext } from '../context';
import { OpenWaveInputType, WaveType } from './wave.type';

@Resolver()
export class WaveResolver {
  @Authorized()
  @Query(() => [WaveType], { description: 'Every intake wave, by number. Any authenticated principal.' })
  async waves(@Ctx() { em, services }: RequestContext): Promise<WaveType[]> {
    return (await services.waves.list(em)).map(WaveType.from);
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => WaveType, { description: 'Opens a new wave. OPERATOR. Errors: BAD_USER_INPUT, CONFLICT (number taken).' })
  async openWave(@Arg('input', () => OpenWaveInputType) input: OpenWaveInputType, @Ctx() { em, services }: RequestContext): Promise<WaveType> {
    return WaveType.from(await services.waves.open(em, input));
  }
}
