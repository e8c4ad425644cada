// The OWA logon page and its URLs: a leaf module, so authentication (which redirects to it) and the forms handler
// (which checks passwords through auth.ts) do not import each other.
import { escapeHtml } from './respond.ts';

export const LOGON_PATH = '/exchweb/bin/auth/owalogon.asp';
export const AUTH_PATH = '/exchweb/bin/auth/owaauth.dll';
export const LOGOFF_PATH = '/exchweb/bin/auth/owalogoff.dll';

export function logonUrl(destination: string, reason: number): string {
  return `${LOGON_PATH}?url=${encodeURIComponent(destination)}&reason=${reason}`;
}

export function logonPageHtml(destination: string, reason: number): string {
  const message =
    reason === 2
      ? '<p class="wrng">You could not be logged on to Outlook Web Access. Make sure your domain\\user name and password are correct, and then try again.</p>'
      : '';
  return [
    '<html>',
    '<head><title>Microsoft Outlook Web Access</title></head>',
    '<body>',
    `<form action="${AUTH_PATH}" method="POST" name="logonForm" autocomplete="off">`,
    `<input type="hidden" name="destination" value="${escapeHtml(destination)}">`,
    '<input type="hidden" name="flags" value="0">',
    '<input type="hidden" name="forcedownlevel" value="0">',
    message,
    '<table>',
    '<tr><td><label for="rdoPblc">This is a public or shared computer</label></td><td><input id="rdoPblc" type="radio" name="trusted" value="0" checked></td></tr>',
    '<tr><td><label for="rdoPrvt">This is a private computer</label></td><td><input id="rdoPrvt" type="radio" name="trusted" value="4"></td></tr>',
    '<tr><td><label for="username">Domain\\user name:</label></td><td><input id="username" name="username" type="text"></td></tr>',
    '<tr><td><label for="password">Password:</label></td><td><input id="password" name="password" type="password"></td></tr>',
    '</table>',
    '<input type="submit" class="btn" value="Log On" name="SubmitCreds">',
    '</form>',
    '</body>',
    '</html>',
  ].join('\r\n');
}
