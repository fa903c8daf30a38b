import { DateTimeResolver } from 'graphql-scalars';
import { Field, InputType, Int, ObjectType } from 'type-graphql';
import type { Wave } from './wave.entity';

@ObjectType('Wave', { description: 'An intake wave (gelombang). Windows may overlap.' })
export class WaveType {
  @Field(() => Int)
  number!: number;

  @Field(() => DateTimeResolver, { description: 'Registration opens (inclusive).' })
  opensAt!: Date;

  @Field(() => DateTimeResolver, { description: 'Registration closes (exclusive).' })
  closesAt!: Date;

  @Field(() => Int, { description: 'How many applications may be accepted.' })
  quota!: number;

  static from(wave: Wave): WaveType {
    return Object.assign(new WaveType(), { number: wave.number, opensAt: wave.opensAt, closesAt: wave.closesAt, quota: wave.quota });
  }
}

@InputType('OpenWaveInput')
export class OpenWaveInputType {
  @Field(() => Int)
  number!: number;

  @Field(() => DateTimeResolver)
  opensAt!: Date;

  @Field(() => DateTimeResolver)
  closesAt!: Date;

  @Field(() => Int)
  quota!: number;
}
