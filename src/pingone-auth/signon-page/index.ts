// The hosted sign-on page's public surface: what the route that serves it needs.
export type {
  FlowJson,
  FlowPasswordPolicy,
  FlowStatus,
  PageAction,
  PingOneErrorEnvelope,
} from './flow-json.js';
export { PAGE_ACTIONS, flowActionMediaType, offers } from './flow-json.js';
export { escapeHtml, html } from './html.js';
export { parseSignOnForm, type ParsedSignOnForm } from './form.js';
export { renderSignOnPage, signOnPageUrl, type SignOnPageInput } from './render.js';
export { parseSignOnView, type SignOnView } from './signon-screens.js';
export {
  CSRF_FIELD,
  contentSecurityPolicy,
  csrfTokenFor,
  newCspNonce,
  signOnPageHeaders,
  verifyCsrfToken,
} from './security.js';
