-- What Exchange said about a room's mailbox when an admin last saved it. NULL: verified (or saved before the check
-- existed); 'unknown' / 'no-access': saved anyway for a staged roll-out; 'unreachable': Exchange did not answer.
-- The rooms list shows every non-NULL value as "not verified".
ALTER TABLE rooms ADD COLUMN mailbox_unverified TEXT CHECK (mailbox_unverified IN ('unknown', 'no-access', 'unreachable'));
