import createClient from 'openapi-fetch';
import type { components, paths } from './schema';

export type User = components['schemas']['User'];
export type Workspace = components['schemas']['Workspace'];
export type Member = components['schemas']['Member'];
export type Invitation = components['schemas']['Invitation'];
export type Role = components['schemas']['Role'];

// Same origin as the app: the session cookie goes along, and the browser adds `Origin`,
// which the API checks on every change.
export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
