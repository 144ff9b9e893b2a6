import type { GraphQLSchema } from 'graphql';
import { DateTimeScalar, buildFederatedSchema, readTypeDefs } from '@emporium/graphql-server';
import type { Resolvers } from './generated/resolvers-types.ts';
import { Cart } from './resolvers/Cart.ts';
import { CartLine } from './resolvers/CartLine.ts';
import { Inventory } from './resolvers/Inventory.ts';
import { Mutation } from './resolvers/Mutation.ts';
import { Product } from './resolvers/Product.ts';
import { Query } from './resolvers/Query.ts';

export const typeDefs = readTypeDefs(new URL('../schema.graphql', import.meta.url));

const resolvers: Resolvers = { DateTime: DateTimeScalar, Query, Mutation, Product, Inventory, Cart, CartLine };

/** The executable subgraph schema, exported so tests can run it in-process. */
export const buildSchema = (): GraphQLSchema => buildFederatedSchema(typeDefs, resolvers);
