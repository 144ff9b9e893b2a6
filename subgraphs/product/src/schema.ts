import type { GraphQLSchema } from 'graphql';
import { DateTimeScalar, buildFederatedSchema, readTypeDefs } from '@emporium/graphql-server';
import type { Resolvers } from './generated/resolvers-types.ts';
import { Category } from './resolvers/Category.ts';
import { Mutation } from './resolvers/Mutation.ts';
import { Product } from './resolvers/Product.ts';
import { Query } from './resolvers/Query.ts';
import { Review } from './resolvers/Review.ts';
import { Seller } from './resolvers/Seller.ts';

export const typeDefs = readTypeDefs(new URL('../schema.graphql', import.meta.url));

const resolvers: Resolvers = { DateTime: DateTimeScalar, Query, Mutation, Product, Category, Seller, Review };

/** The executable subgraph schema, exported so tests can run it in-process. */
export const buildSchema = (): GraphQLSchema => buildFederatedSchema(typeDefs, resolvers);
