import type { Directory } from '../../config/directory.js';
import type { StoredTemplate } from '../../store/templates.js';
import { ADMIN_GROUP } from '../auth/access.js';

/**
 * Whether `user` may read a template's inline credentials: its owner (who created it) and the
 * directory group `admins`. Everyone else gets the content with them as ******.
 */
export function mayReadSecrets(user: string, stored: Pick<StoredTemplate, 'meta'>, directory: Directory): boolean {
  return user === stored.meta.createdBy || directory.members(ADMIN_GROUP).includes(user);
}
