import type { components } from '../api/schema';

type Category = components['schemas']['NotificationCategory'];

/** How each category is named in the settings and on the unsubscribe page. */
export const CATEGORY_LABELS: Record<Category, string> = {
  exports: 'Exports ready or failed',
  jobs: 'Imports and AI generations',
  activity: 'Colleagues editing or publishing your portfolios',
  invitations: 'Invitations to workspaces',
  milestones: 'View milestones',
  digest: 'Weekly statistics digest',
  domains: 'Custom domains going live or failing',
};
