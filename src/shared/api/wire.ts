/**
 * Names used on the wire, in a module with no imports so that the sandboxed preload
 * bundle can use them without pulling in the schema library.
 */
export const IPC_INVOKE_CHANNEL = 'dwm:invoke';
export const IPC_EVENT_CHANNEL = 'dwm:event';
export const HTTP_INVOKE_PREFIX = '/api/invoke/';
export const WS_EVENTS_PATH = '/api/events';
export const MEDIA_HTTP_PREFIX = '/media/';
export const MEDIA_PROTOCOL = 'dwm-media';
export const APP_PROTOCOL = 'dwm-app';
export const HTTP_UPLOAD_PREFIX = '/api/upload/';
export const HTTP_RENDER_FRAME_PREFIX = '/api/render-frame/';
export const IPC_RENDER_FRAME_CHANNEL = 'dwm:render-frame';
