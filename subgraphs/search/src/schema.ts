import type { GraphQLSchema } from 'graphql';
import { buildFederatedSchema, readTypeDefs } from '@emporium/graphql-server';
import type { Resolvers } from './generated/resolvers-types.ts';
import { Query } from './resolvers/Query.ts';

export const typeDefs = readTypeDefs(new URL('../schema.graphql', import.meta.url));

const resolvers: Resolvers = { Query };

/** The executable subgraph schema, exported so tests can run it in-process. */
export const buildSchema = (): GraphQLSchema => buildFederatedSchema(typeDefs, resolvers);
