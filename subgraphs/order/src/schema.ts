import type { GraphQLSchema } from 'graphql';
import { DateTimeScalar, buildFederatedSchema, readTypeDefs } from '@emporium/graphql-server';
import type { Resolvers } from './generated/resolvers-types.ts';
import { Mutation } from './resolvers/Mutation.ts';
import { Order } from './resolvers/Order.ts';
import { OrderLine } from './resolvers/OrderLine.ts';
import { Query } from './resolvers/Query.ts';
import { Subscription } from './resolvers/Subscription.ts';

export const typeDefs = readTypeDefs(new URL('../schema.graphql', import.meta.url));

const resolvers: Resolvers = { DateTime: DateTimeScalar, Query, Mutation, Subscription, Order, OrderLine };

/** The executable subgraph schema, exported so tests can run it in-process. */
export const buildSchema = (): GraphQLSchema => buildFederatedSchema(typeDefs, resolvers);
