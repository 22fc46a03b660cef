import { MEDIA_HTTP_PREFIX, MEDIA_PROTOCOL } from '../../../shared/api/wire';
import { api } from '../api';

/**
 * URL of a file inside the open project. The desktop app serves project files through its
 * dwm-media: protocol, the web host through /media/; both refuse paths outside the project.
 */
export function mediaUrl(relative: string): string {
  const encoded = relative.split('/').map(encodeURIComponent).join('/');
  return api.transport === 'electron' ? `${MEDIA_PROTOCOL}://project/${encoded}` : `${MEDIA_HTTP_PREFIX}${encoded}`;
}
