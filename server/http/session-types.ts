import './session.ts';

export interface FlashMessage {
  type: 'success' | 'info' | 'error';
  message: string;
}

declare module './session.ts' {
  interface SessionData {
    flash?: FlashMessage[];
    returnTo?: string;
    /** passport's record of who is signed in (its session manager keeps the user id here). */
    passport?: { user?: unknown };
  }
}
