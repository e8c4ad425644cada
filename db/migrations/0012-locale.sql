-- Issue 17: a person's chosen language (NULL = not chosen: the browser's Accept-Language, then DEFAULT_LOCALE
-- decide) and each door display's language (NULL = DEFAULT_LOCALE). The app speaks English and Hungarian.
ALTER TABLE users ADD COLUMN locale TEXT CHECK (locale IS NULL OR locale IN ('en', 'hu'));
ALTER TABLE device_tokens ADD COLUMN locale TEXT CHECK (locale IS NULL OR locale IN ('en', 'hu'));
