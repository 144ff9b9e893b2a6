import { SessionSchema } from './session.entity.ts';
import { SigningKeySchema } from './signing-key.entity.ts';
import { UserSchema } from './user.entity.ts';

export const entities = [UserSchema, SigningKeySchema, SessionSchema];
