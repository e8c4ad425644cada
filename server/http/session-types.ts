import 'express-session';

export interface FlashMessage {
  type: 'success' | 'info' | 'error';
  message: string;
}

declare module 'express-session' {
  interface SessionData {
    csrfToken?: string;
    flash?: FlashMessage[];
    returnTo?: string;
  }
}
